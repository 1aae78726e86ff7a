namespace InferenceServer.Tokenization.PreTokenization;

/// <summary>When a metaspace pre-tokenizer prepends its replacement character (Hugging Face prepend_scheme).</summary>
public enum PrependScheme
{
    Always,
    Never,
    /// <summary>Only at the start of the input, not after a special token.</summary>
    First,
}

/// <summary>
/// Hugging Face "Metaspace": spaces become "▁", "▁" is prepended per <see cref="PrependScheme"/> unless already there,
/// and with split the text is cut before every "▁".
/// </summary>
public sealed class MetaspacePreTokenizer(char replacement, PrependScheme prependScheme, bool split) : IPreTokenizer
{
    public char Replacement { get; } = replacement;
    public PrependScheme Scheme { get; } = prependScheme;
    public bool Split { get; } = split;

    public void PreTokenize(ReadOnlyMemory<char> text, bool atTextStart, List<ReadOnlyMemory<char>> pieces)
    {
        if (text.Length == 0) return;
        string s = text.Span.ToString().Replace(' ', Replacement);
        bool prepend = Scheme == PrependScheme.Always || (Scheme == PrependScheme.First && atTextStart);
        if (prepend && s[0] != Replacement) s = Replacement + s;
        ReadOnlyMemory<char> rewritten = s.AsMemory();
        if (!Split)
        {
            pieces.Add(rewritten);
            return;
        }
        // MergedWithNext: each "▁" starts a piece.
        int start = 0;
        for (int i = 1; i < s.Length; i++)
        {
            if (s[i] != Replacement) continue;
            pieces.Add(rewritten[start..i]);
            start = i;
        }
        pieces.Add(rewritten[start..]);
    }
}
