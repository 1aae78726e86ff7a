namespace InferenceServer.ChatTemplates.Jinja;

/// <summary>Jinja2 environment settings; the defaults are Hugging Face's (<c>trim_blocks</c>, <c>lstrip_blocks</c>, trailing newline dropped).</summary>
public sealed record TemplateOptions
{
    /// <summary>Hugging Face's <c>apply_chat_template</c> settings.</summary>
    public static readonly TemplateOptions HuggingFace = new();

    /// <summary>Remove the first newline after a block or comment tag.</summary>
    public bool TrimBlocks { get; init; } = true;

    /// <summary>Remove spaces and tabs before a block or comment tag that starts a line.</summary>
    public bool LstripBlocks { get; init; } = true;

    /// <summary>Keep a single newline at the very end of the template source (Jinja2 drops it by default).</summary>
    public bool KeepTrailingNewline { get; init; }

    /// <summary>The clock <c>strftime_now</c> reads; the system clock unless a test pins it.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
