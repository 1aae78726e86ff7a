namespace InferenceServer.Tokenization.Normalization;

/// <summary>
/// SentencePiece's remove_extra_whitespaces: trims leading and trailing spaces and collapses inner runs of spaces to one.
/// </summary>
public sealed class CollapseWhitespaceNormalizer : ITextNormalizer
{
    public static CollapseWhitespaceNormalizer Instance { get; } = new();

    public string Normalize(string text)
    {
        var trimmed = text.AsSpan().Trim(' ');
        if (trimmed.IndexOf("  ", StringComparison.Ordinal) < 0)
            return trimmed.Length == text.Length ? text : trimmed.ToString();
        var sb = new System.Text.StringBuilder(trimmed.Length);
        for (int i = 0; i < trimmed.Length; i++)
        {
            if (trimmed[i] == ' ' && i > 0 && trimmed[i - 1] == ' ') continue;
            sb.Append(trimmed[i]);
        }
        return sb.ToString();
    }
}
