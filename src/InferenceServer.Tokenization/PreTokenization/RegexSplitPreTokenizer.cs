using System.Text;
using System.Text.RegularExpressions;

namespace InferenceServer.Tokenization.PreTokenization;

/// <summary>
/// Splits text on a regex, keeping matches and the text between them as pieces (Hugging Face "Split" with
/// behavior Isolated, and the byte-level regex of GPT-2 style tokenizers).
/// </summary>
/// <remarks>
/// .NET regexes see UTF-16 units: \p{L} and \p{N} never match characters outside the Basic Multilingual Plane, and a
/// pattern may split a surrogate pair. Text with surrogates is therefore matched in a copy where each pair is one
/// placeholder character of the same Unicode category, and piece boundaries are mapped back. Patterns that name
/// characters by range rather than by category (a placeholder could fall inside the range) spell characters outside
/// the plane as surrogate pairs instead and are matched on the text as it is (<c>matchesSurrogatePairs</c>).
/// </remarks>
public sealed class RegexSplitPreTokenizer : IPreTokenizer
{
    private readonly Regex _regex;
    private readonly bool _matchesSurrogatePairs;

    /// <param name="pattern">The split regex.</param>
    /// <param name="matchesSurrogatePairs">True when the pattern itself handles surrogate pairs and never matches half of
    /// one, so text is matched as it is; false to match text with surrogate pairs folded to same-category placeholders.</param>
    public RegexSplitPreTokenizer(string pattern, bool matchesSurrogatePairs = false)
    {
        Pattern = pattern;
        _matchesSurrogatePairs = matchesSurrogatePairs;
        _regex = new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
    }

    public string Pattern { get; }

    public void PreTokenize(ReadOnlyMemory<char> text, bool atTextStart, List<ReadOnlyMemory<char>> pieces)
    {
        var span = text.Span;
        if (span.Length == 0) return;
        if (_matchesSurrogatePairs || span.IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            int last = 0;
            foreach (var m in _regex.EnumerateMatches(span))
            {
                if (m.Length == 0) continue;
                if (m.Index > last) pieces.Add(text[last..m.Index]);
                pieces.Add(text.Slice(m.Index, m.Length));
                last = m.Index + m.Length;
            }
            if (last < span.Length) pieces.Add(text[last..]);
            return;
        }
        SplitWithSurrogates(text, pieces);
    }

    private void SplitWithSurrogates(ReadOnlyMemory<char> text, List<ReadOnlyMemory<char>> pieces)
    {
        var span = text.Span;
        var folded = new StringBuilder(span.Length);
        var start = new List<int>(span.Length + 1); // original index of each folded char
        for (int i = 0; i < span.Length; i++)
        {
            start.Add(i);
            if (char.IsHighSurrogate(span[i]) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                folded.Append(SurrogatePlaceholder.For(char.ConvertToUtf32(span[i], span[i + 1])));
                i++;
            }
            else folded.Append(span[i]);
        }
        start.Add(span.Length);
        int last = 0;
        foreach (var m in _regex.EnumerateMatches(folded.ToString()))
        {
            if (m.Length == 0) continue;
            int from = start[m.Index], to = start[m.Index + m.Length];
            if (from > last) pieces.Add(text[last..from]);
            pieces.Add(text[from..to]);
            last = to;
        }
        if (last < span.Length) pieces.Add(text[last..]);
    }
}
