namespace InferenceServer.Tokenization.Normalization;

/// <summary>Replaces every occurrence of a literal string (Hugging Face "Replace" with a String pattern; spaces to "▁").</summary>
public sealed class ReplaceNormalizer(string pattern, string content) : ITextNormalizer
{
    public string Pattern { get; } = pattern;
    public string Content { get; } = content;

    public string Normalize(string text) =>
        Pattern.Length == 0 ? text : text.Replace(Pattern, Content, StringComparison.Ordinal);
}
