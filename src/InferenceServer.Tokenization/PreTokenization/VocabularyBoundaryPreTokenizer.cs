using System.Text;

namespace InferenceServer.Tokenization.PreTokenization;

/// <summary>
/// Cuts text wherever no BPE merge can ever span the cut, so the output is exactly that of BPE on the whole text.
/// SentencePiece-style vocabularies have no word pre-tokenizer and some (TinyStories) merge across spaces; one long
/// piece makes BPE quadratic, while short pieces are cheap and cacheable.
/// </summary>
/// <remarks>
/// Every merge produces a vocabulary token, so a merge across characters a|b needs a token (or merge) containing "ab".
/// Two unknown characters are never separated, because Hugging Face fuses runs of unknown characters into one unk.
/// </remarks>
public sealed class VocabularyBoundaryPreTokenizer : IPreTokenizer
{
    private readonly HashSet<long> _adjacent = [];
    private readonly HashSet<int> _known = [];

    public VocabularyBoundaryPreTokenizer(IEnumerable<string> tokens, IEnumerable<(string Left, string Right)> merges)
    {
        foreach (var token in tokens)
        {
            int previous = -1, count = 0;
            foreach (var rune in token.EnumerateRunes())
            {
                if (previous >= 0) _adjacent.Add(Key(previous, rune.Value));
                previous = rune.Value;
                count++;
            }
            if (count == 1) _known.Add(previous);
        }
        foreach (var (left, right) in merges)
        {
            if (left.Length == 0 || right.Length == 0) continue;
            var last = Rune.GetRuneAt(left, char.IsLowSurrogate(left[^1]) && left.Length > 1 ? left.Length - 2 : left.Length - 1);
            _adjacent.Add(Key(last.Value, Rune.GetRuneAt(right, 0).Value));
        }
    }

    private static long Key(int a, int b) => ((long)a << 21) | (uint)b;

    public void PreTokenize(ReadOnlyMemory<char> text, bool atTextStart, List<ReadOnlyMemory<char>> pieces)
    {
        var span = text.Span;
        if (span.Length == 0) return;
        int start = 0, previous = -1, i = 0;
        while (i < span.Length)
        {
            if (Rune.DecodeFromUtf16(span[i..], out var rune, out int used) != System.Buffers.OperationStatus.Done)
                rune = Rune.ReplacementChar;
            int cp = rune.Value;
            if (previous >= 0 && !_adjacent.Contains(Key(previous, cp)) && (_known.Contains(previous) || _known.Contains(cp)))
            {
                pieces.Add(text[start..i]);
                start = i;
            }
            previous = cp;
            i += used;
        }
        pieces.Add(text[start..]);
    }
}
