using System.Buffers;

namespace InferenceServer.Tokenization.Encoder;

/// <summary>
/// Finds added tokens in text, leftmost-longest like Hugging Face's Aho-Corasick matcher, honouring lstrip, rstrip
/// and single_word; the text between matches is left for the model.
/// </summary>
internal sealed class SpecialTokenMatcher
{
    private readonly Dictionary<char, (string Key, AddedToken Token)[]> _byFirstChar;
    private readonly SearchValues<char> _firstChars;

    /// <param name="tokens">The tokens with the string to look for (their content, or its normalized form).</param>
    public SpecialTokenMatcher(IEnumerable<(string Key, AddedToken Token)> tokens)
    {
        _byFirstChar = tokens
            .Where(t => t.Key.Length > 0)
            .GroupBy(t => t.Key[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Key.Length).ToArray());
        _firstChars = SearchValues.Create([.. _byFirstChar.Keys]);
    }

    public bool IsEmpty => _byFirstChar.Count == 0;

    /// <summary>A piece of the split: plain text [Start, Start+Length), or an added token when Token is set.</summary>
    public readonly record struct Segment(int Start, int Length, AddedToken? Token);

    /// <summary>Splits <paramref name="text"/>; with <paramref name="includeSpecial"/> false, special tokens stay plain text.</summary>
    public void Split(ReadOnlySpan<char> text, bool includeSpecial, List<Segment> segments)
    {
        int plainStart = 0, pos = 0;
        while (pos < text.Length)
        {
            int found = text[pos..].IndexOfAny(_firstChars);
            if (found < 0) break;
            int at = pos + found;
            if (TryMatchAt(text, at, plainStart, includeSpecial, out int start, out int end, out var token))
            {
                if (start > plainStart) segments.Add(new Segment(plainStart, start - plainStart, null));
                segments.Add(new Segment(start, end - start, token));
                plainStart = pos = end;
            }
            else pos = at + 1;
        }
        if (plainStart < text.Length) segments.Add(new Segment(plainStart, text.Length - plainStart, null));
    }

    private bool TryMatchAt(ReadOnlySpan<char> text, int at, int floor, bool includeSpecial, out int start, out int end, out AddedToken token)
    {
        foreach (var (key, candidate) in _byFirstChar[text[at]])
        {
            if (!includeSpecial && candidate.Special) continue;
            if (!text[at..].StartsWith(key, StringComparison.Ordinal)) continue;
            start = at;
            end = at + key.Length;
            if (candidate.SingleWord && !IsWordBoundary(text, start, end)) continue;
            if (candidate.LeftStrip) while (start > floor && char.IsWhiteSpace(text[start - 1])) start--;
            if (candidate.RightStrip) while (end < text.Length && char.IsWhiteSpace(text[end])) end++;
            token = candidate;
            return true;
        }
        start = end = 0;
        token = null!;
        return false;
    }

    private static bool IsWordBoundary(ReadOnlySpan<char> text, int start, int end) =>
        (start == 0 || !IsWordChar(text[start - 1])) && (end == text.Length || !IsWordChar(text[end]));

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}
