using System.Collections.Concurrent;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace InferenceServer.Tokenization.Encoder;

/// <summary>
/// The BPE merge step for one pre-tokenized piece, on Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/> (whose merge
/// loop matches Hugging Face), plus the byte fallback it lacks: an unknown character becomes its UTF-8 bytes' &lt;0xXX&gt; tokens.
/// </summary>
internal sealed class BpeModel
{
    private readonly BpeTokenizer _bpe;
    private readonly int _unknownId;
    private readonly int[]? _byteIds;
    private readonly bool _fuseUnknown;
    private readonly bool _byteLevel;
    private readonly IReadOnlyDictionary<string, int>? _wholePieces;

    // Words repeat; a span-keyed cache skips the library call (and its allocations) for ones seen before.
    private const int MaxCachedPieceLength = 48;
    private const int MaxCacheEntries = 1 << 16;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheBySpan;
    private int _cacheEntries; // ConcurrentDictionary.Count takes every lock; this is a cheap approximation

    /// <param name="vocabulary">Model tokens by string (added tokens need not be included).</param>
    /// <param name="merges">Merges in priority order; no part may contain a space.</param>
    /// <param name="byteIds">Ids of &lt;0x00&gt;..&lt;0xFF&gt; (-1 where missing) when byte fallback is on, else null.</param>
    public BpeModel(
        IReadOnlyDictionary<string, int> vocabulary,
        IEnumerable<(string Left, string Right)> merges,
        bool byteLevel,
        string? unknownToken,
        bool fuseUnknown,
        int[]? byteIds,
        bool ignoreMerges = false)
    {
        _bpe = BpeTokenizer.Create(new BpeOptions(vocabulary)
        {
            Merges = merges.Select(m => m.Left + " " + m.Right),
            ByteLevel = byteLevel,
            UnknownToken = unknownToken,
            FuseUnknownTokens = fuseUnknown,
            // Pieces arrive already split; never let the library fall back to its own word splitter.
            PreTokenizer = WholeTextPreTokenizer.Instance,
        });
        _unknownId = unknownToken is not null && vocabulary.TryGetValue(unknownToken, out int unk) ? unk : -1;
        _byteIds = byteIds;
        _fuseUnknown = fuseUnknown;
        _byteLevel = byteLevel;
        _wholePieces = ignoreMerges ? vocabulary : null;
        _cacheBySpan = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Appends the ids of <paramref name="piece"/> to <paramref name="output"/>.</summary>
    public void Encode(ReadOnlySpan<char> piece, List<int> output)
    {
        if (piece.Length > MaxCachedPieceLength)
        {
            EncodeUncached(piece, output);
            return;
        }
        if (_cacheBySpan.TryGetValue(piece, out int[]? cached))
        {
            output.AddRange(cached);
            return;
        }
        int start = output.Count;
        EncodeUncached(piece, output);
        if (Interlocked.Increment(ref _cacheEntries) > MaxCacheEntries)
        {
            _cache.Clear();
            Interlocked.Exchange(ref _cacheEntries, 0);
        }
        _cacheBySpan.TryAdd(piece, [.. System.Runtime.InteropServices.CollectionsMarshal.AsSpan(output)[start..]]);
    }

    private void EncodeUncached(ReadOnlySpan<char> piece, List<int> output)
    {
        if (_wholePieces is not null && _wholePieces.TryGetValue(InModelAlphabet(piece), out int whole))
        {
            output.Add(whole);
            return;
        }
        var ids = _bpe.EncodeToIds(piece, considerPreTokenization: false, considerNormalization: false);
        if (_byteIds is null || _unknownId < 0 || !Contains(ids, _unknownId))
        {
            output.AddRange(ids);
            return;
        }
        var tokens = _bpe.EncodeToTokens(piece, out _, considerPreTokenization: false, considerNormalization: false);
        bool lastWasUnknown = false;
        foreach (var token in tokens)
        {
            if (token.Id != _unknownId)
            {
                output.Add(token.Id);
                lastWasUnknown = false;
                continue;
            }
            var (offset, length) = token.Offset.GetOffsetAndLength(piece.Length);
            foreach (var rune in piece.Slice(offset, length).EnumerateRunes())
                lastWasUnknown = AppendByteFallback(rune, output, lastWasUnknown);
        }
    }

    private string InModelAlphabet(ReadOnlySpan<char> piece)
    {
        if (!_byteLevel) return piece.ToString();
        var bytes = System.Text.Encoding.UTF8.GetBytes(piece.ToArray());
        return string.Create(bytes.Length, bytes, static (chars, b) =>
        {
            for (int i = 0; i < b.Length; i++) chars[i] = ByteLevelAlphabet.ToChar(b[i]);
        });
    }

    private bool AppendByteFallback(Rune rune, List<int> output, bool lastWasUnknown)
    {
        Span<byte> utf8 = stackalloc byte[4];
        int n = rune.EncodeToUtf8(utf8);
        bool all = true;
        for (int i = 0; i < n; i++) all &= _byteIds![utf8[i]] >= 0;
        if (all)
        {
            for (int i = 0; i < n; i++) output.Add(_byteIds![utf8[i]]);
            return false;
        }
        if (!(lastWasUnknown && _fuseUnknown)) output.Add(_unknownId);
        return true;
    }

    private static bool Contains(IReadOnlyList<int> ids, int id)
    {
        for (int i = 0; i < ids.Count; i++)
            if (ids[i] == id) return true;
        return false;
    }

    private sealed class WholeTextPreTokenizer : PreTokenizer
    {
        public static readonly WholeTextPreTokenizer Instance = new();

        public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) =>
            string.IsNullOrEmpty(text) ? [] : [(0, text.Length)];

        public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) =>
            text.IsEmpty ? [] : [(0, text.Length)];
    }
}
