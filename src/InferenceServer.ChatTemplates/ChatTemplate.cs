using System.Text.Json;
using InferenceServer.ChatTemplates.Jinja;
using InferenceServer.ChatTemplates.Jinja.Json;
using InferenceServer.ChatTemplates.Jinja.Python;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates;

/// <summary>A chat template: renders a chat request into the prompt text exactly as Hugging Face's <c>apply_chat_template</c> does.</summary>
public sealed class ChatTemplate
{
    // Hugging Face marks the end of the final message with this, renders, then cuts the prompt there.
    private const string ContinueTag = "CONTINUE_FINAL_MESSAGE_TAG ";

    private readonly JinjaTemplate _template;

    /// <summary>Parses the template; throws <see cref="TemplateSyntaxException"/> when it is not valid Jinja.</summary>
    public ChatTemplate(string source, TemplateOptions? options = null) => _template = JinjaTemplate.Parse(source, options);

    /// <summary>The ChatML template for models that ship none (see <see cref="FallbackChatTemplate"/>).</summary>
    public static ChatTemplate Fallback { get; } = new(FallbackChatTemplate.Source);

    public string Source => _template.Source;

    /// <summary>
    /// The prompt for <paramref name="input"/>. The template sees <c>messages</c>, <c>tools</c> and <c>documents</c>
    /// (none when absent), <c>add_generation_prompt</c>, <c>bos_token</c>/<c>eos_token</c> when given, and the kwargs.
    /// Throws <see cref="TemplateRaisedException"/> with the template's own message when it calls raise_exception.
    /// </summary>
    public string Render(ChatTemplateInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.ContinueFinalMessage && input.AddGenerationPrompt)
            throw new ChatRequestException("continue_final_message and add_generation_prompt cannot both be true");
        if (JsonValues.FromJson(input.Messages) is not JinjaList messages)
            throw new ChatRequestException("'messages' must be a list");
        ToolCallArguments.Normalize(messages);

        var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (input.BosToken is not null) variables["bos_token"] = input.BosToken;
        if (input.EosToken is not null) variables["eos_token"] = input.EosToken;
        foreach (var (name, value) in input.Kwargs) variables[name] = JsonValues.FromJson(value);
        variables["messages"] = messages;
        variables["tools"] = Optional(input.Tools);
        variables["documents"] = Optional(input.Documents);
        variables["add_generation_prompt"] = input.AddGenerationPrompt;

        if (!input.ContinueFinalMessage) return _template.Render(variables);
        var (finalText, tag) = MarkFinalMessage(messages);
        string rendered = _template.Render(variables);
        string trimmedFinal = PyText.Strip(finalText, null, true, true);
        int at = rendered.LastIndexOf(tag, StringComparison.Ordinal);
        if (!rendered.Contains(trimmedFinal, StringComparison.Ordinal) || !rendered.Contains(tag.Trim(), StringComparison.Ordinal) || at < 0)
            throw new ChatRequestException("continue_final_message is set but the final message does not appear in the rendered prompt");
        return PyText.Strip(rendered[..at], null, false, true);
    }

    private static object? Optional(JsonElement? e) => e is { } v ? JsonValues.FromJson(v) : null;

    /// <summary>Appends Hugging Face's marker to the final message's text (its last text part when content is a list).</summary>
    private static (string FinalText, string Tag) MarkFinalMessage(JinjaList messages)
    {
        if (messages.Count == 0 || messages.Items[^1] is not JinjaDict last || !last.TryGet("content", out var content))
            throw new ChatRequestException("continue_final_message needs a final message with content");
        JinjaDict holder = last;
        string key = "content";
        if (content is JinjaList parts)
        {
            holder = parts.Items.OfType<JinjaDict>().LastOrDefault(p => p.ContainsKey("text"))
                     ?? throw new ChatRequestException("continue_final_message is set but the final message has no text to continue");
            key = "text";
        }
        holder.TryGet(key, out var textValue);
        if (textValue is not string text) throw new ChatRequestException("continue_final_message needs text content in the final message");
        string tag = PyText.Strip(text, null, true, true) != text ? ContinueTag.Trim() : ContinueTag;
        holder.Set(key, text + tag);
        return (text, tag);
    }
}
