using InferenceServer.Tokenization.Decoding;
using InferenceServer.Tokenization.Encoder;
using InferenceServer.Tokenization.PreTokenization;

namespace InferenceServer.Tokenization;

/// <summary>
/// A BPE tokenizer matching Hugging Face tokenizers: added tokens are split out of the raw text, each remaining
/// segment is normalized, split again on normalized added tokens, pre-tokenized and merged; decoding concatenates
/// precomputed token bytes.
/// </summary>
public sealed class TextTokenizer : ITextTokenizer
{
    private readonly TokenizerDefinition _definition;
    private readonly BpeModel _model;
    private readonly IPreTokenizer _preTokenizer;
    private readonly SpecialTokenMatcher _rawMatcher;
    private readonly SpecialTokenMatcher _normalizedMatcher;
    private readonly TokenByteTable _bytes;
    private readonly bool[] _special;
    private readonly Dictionary<string, int> _tokenToId;
    private readonly int? _eosForEncode;

    public TextTokenizer(TokenizerDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        _definition = definition;
        var tokens = definition.Tokens;
        _model = new BpeModel(definition.ModelVocabulary, definition.Merges, definition.ByteLevel,
            definition.UnknownToken, definition.FuseUnknown, definition.ByteFallback ? ByteIds(definition.ModelVocabulary) : null, definition.IgnoreMerges);

        // Character-level BPE gets cut where no merge can reach across: same ids, far less work on long text.
        var boundaries = definition.ByteLevel ? null
            : new VocabularyBoundaryPreTokenizer(definition.ModelVocabulary.Keys, definition.Merges);
        _preTokenizer = (definition.PreTokenizer, boundaries) switch
        {
            (null, null) => new SequencePreTokenizer([]),
            (null, { } b) => b,
            ({ } p, null) => p,
            ({ } p, { } b) => new SequencePreTokenizer([p, b]),
        };

        var added = definition.AddedTokens;
        _rawMatcher = new SpecialTokenMatcher(added.Where(t => !t.Normalized || definition.Normalizer is null).Select(t => (t.Content, t)));
        _normalizedMatcher = new SpecialTokenMatcher(added.Where(t => t.Normalized && definition.Normalizer is not null)
            .Select(t => (definition.Normalizer!.Normalize(t.Content), t)));

        int count = tokens.Count;
        _special = new bool[count];
        foreach (var t in added)
            if (t.Special && (uint)t.Id < (uint)count) _special[t.Id] = true;

        _tokenToId = new Dictionary<string, int>(definition.ModelVocabulary, StringComparer.Ordinal);
        for (int id = 0; id < count; id++)
            if (tokens[id] is { } s) _tokenToId.TryAdd(s, id);
        foreach (var t in added) _tokenToId.TryAdd(t.Content, t.Id);

        _bytes = new TokenByteTable(tokens, definition.Decoding);
        _eosForEncode = definition.EosTokenIds.Count > 0 ? definition.EosTokenIds[0] : null;
    }

    public string SourcePath => _definition.SourcePath;

    public int VocabSize => _definition.Tokens.Count;

    public int? BosTokenId => _definition.BosTokenId;

    public IReadOnlyList<int> EosTokenIds => _definition.EosTokenIds;

    public bool AddBosToken => _definition.AddBosToken;

    public bool AddEosToken => _definition.AddEosToken;

    public bool StripsLeadingSpace => _definition.Decoding.Leading != LeadingSpaceRule.None;

    public IReadOnlyList<AddedToken> AddedTokens => _definition.AddedTokens;

    /// <summary>The definition this tokenizer was built from.</summary>
    public TokenizerDefinition Definition => _definition;

    public int[] Encode(string text, bool addSpecialTokens = true, bool parseSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = ReplaceLoneSurrogates(text);
        var ids = new List<int>(text.Length / 3 + 2);
        if (addSpecialTokens && AddBosToken && BosTokenId is int bos) ids.Add(bos);

        var segments = new List<SpecialTokenMatcher.Segment>();
        var inner = new List<SpecialTokenMatcher.Segment>();
        var pieces = new List<ReadOnlyMemory<char>>();
        _rawMatcher.Split(text, parseSpecialTokens, segments);
        foreach (var segment in segments)
        {
            if (segment.Token is { } token)
            {
                ids.Add(token.Id);
                continue;
            }
            string plain = text.Substring(segment.Start, segment.Length);
            string normalized = _definition.Normalizer?.Normalize(plain) ?? plain;
            bool atTextStart = segment.Start == 0;
            if (_normalizedMatcher.IsEmpty)
            {
                EncodePlain(normalized.AsMemory(), atTextStart, pieces, ids);
                continue;
            }
            inner.Clear();
            _normalizedMatcher.Split(normalized, parseSpecialTokens, inner);
            foreach (var part in inner)
            {
                if (part.Token is { } t) ids.Add(t.Id);
                else EncodePlain(normalized.AsMemory(part.Start, part.Length), atTextStart && part.Start == 0, pieces, ids);
            }
        }

        if (addSpecialTokens && AddEosToken && _eosForEncode is int eos) ids.Add(eos);
        return [.. ids];
    }

    private void EncodePlain(ReadOnlyMemory<char> text, bool atTextStart, List<ReadOnlyMemory<char>> pieces, List<int> ids)
    {
        pieces.Clear();
        _preTokenizer.PreTokenize(text, atTextStart, pieces);
        foreach (var piece in pieces)
            if (piece.Length > 0) _model.Encode(piece.Span, ids);
    }

    // Rust strings (what Hugging Face sees) cannot hold lone surrogates; treat them as U+FFFD like a UTF-8 round trip.
    private static string ReplaceLoneSurrogates(string text)
    {
        int i = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0) return text;
        char[]? copy = null;
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            if (!char.IsSurrogate(c)) continue;
            copy ??= text.ToCharArray();
            copy[i] = '\uFFFD';
        }
        return copy is null ? text : new string(copy);
    }

    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = true)
    {
        int total = 0;
        foreach (int id in ids)
            if (!(skipSpecialTokens && IsSpecial(id))) total += _bytes[id].Length;
        if (total == 0) return "";
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(total);
        try
        {
            int n = 0;
            bool leading = true;
            foreach (int id in ids)
            {
                if (skipSpecialTokens && IsSpecial(id)) continue;
                var b = _bytes[id];
                if (b.IsEmpty) continue;
                if (leading)
                {
                    b = _bytes.Leading(id);
                    leading = false;
                }
                b.CopyTo(buffer.AsSpan(n));
                n += b.Length;
            }
            return TokenByteTable.DecodeUtf8(buffer.AsSpan(0, n));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public bool IsSpecial(int id) => (uint)id < (uint)_special.Length && _special[id];

    public string? IdToToken(int id) => (uint)id < (uint)VocabSize ? _definition.Tokens[id] : null;

    public int? TokenToId(string token) => _tokenToId.TryGetValue(token, out int id) ? id : null;

    public ReadOnlySpan<byte> TokenBytes(int id) => _bytes[id];

    public ReadOnlySpan<byte> LeadingTokenBytes(int id) => _bytes.Leading(id);

    private static int[] ByteIds(IReadOnlyDictionary<string, int> vocabulary)
    {
        var ids = new int[256];
        for (int b = 0; b < 256; b++)
            ids[b] = vocabulary.TryGetValue($"<0x{b:X2}>", out int id) ? id : -1;
        return ids;
    }
}
