using System.Globalization;
using InferenceServer.Tokenization.Loading;
using InferenceServer.Tokenization.Normalization;
using InferenceServer.Tokenization.PreTokenization;
using static InferenceServer.Tokenization.Loading.GgufTokenizerReader;

namespace InferenceServer.Tokenization.Writing;

/// <summary>
/// The tokenizer.ggml.* metadata of a tokenizer, in llama.cpp's conventions, for <c>GgufWriter.AddMetadata</c> or
/// <c>GgufConverter.FromHuggingFace</c>'s extraMetadata; <see cref="GgufTokenizerReader"/> reads it back.
/// </summary>
/// <remarks>
/// Byte-level BPE becomes "gpt2" (tokens, types, merges, the pre-tokenizer's name); SentencePiece-style BPE becomes
/// "llama" (tokens, scores, types). GGUF cannot say everything tokenizer.json can: added tokens lose their normalized,
/// lstrip, rstrip and single_word flags and are matched in raw text, as llama.cpp's converter leaves them.
/// </remarks>
public static class GgufTokenizerMetadata
{
    /// <summary>Score of "llama" pieces that no merge makes (characters, bytes, control tokens); llama.cpp never merges into them.</summary>
    public const float UnmergedScore = -1e9f;

    /// <summary>
    /// The metadata for <paramref name="definition"/>. <paramref name="pre"/> names the byte-level pre-tokenizer (e.g.
    /// "qwen2"); when null it is recognized from the definition's split regexes. Throws <see cref="ArgumentException"/>
    /// when a byte-level tokenizer's pre-tokenizer has no GGUF name. With <paramref name="vocabularySize"/> (the rows of
    /// the model's embedding) the vocabulary is padded or cut to exactly that many tokens (see <see cref="GgufVocabularyFit"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, object> From(TokenizerDefinition definition, string? pre = null, int? vocabularySize = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        int count = definition.Tokens.Count;
        var types = TokenTypes(definition);
        var metadata = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [ModelKey] = definition.ByteLevel ? "gpt2" : "llama",
        };
        if (definition.ByteLevel)
            metadata[PreKey] = PreName(definition, pre);
        else
            metadata[PreKey] = pre ?? "default"; // llama.cpp ignores it for "llama"; its converter writes "default"

        var tokens = new string[count];
        var added = definition.AddedTokens.Where(t => (uint)t.Id < (uint)count).ToDictionary(t => t.Id, t => t.Content);
        for (int id = 0; id < count; id++)
        {
            // Added tokens are matched in raw text, so they are written as written, not in their normalized form.
            tokens[id] = added.TryGetValue(id, out string? content) ? content
                : definition.Tokens[id] ?? string.Create(CultureInfo.InvariantCulture, $"[PAD{id}]");
        }
        metadata[TokensKey] = tokens;
        metadata[TokenTypeKey] = types.Select(t => (int)t).ToArray();
        string[] merges = [.. definition.Merges.Select(m => m.Left + " " + m.Right)];
        if (definition.ByteLevel)
            metadata[MergesKey] = merges;
        else
        {
            bool hasScores = definition.Scores is { } s && s.Count == count;
            metadata[ScoresKey] = hasScores ? definition.Scores!.ToArray() : ScoresFromMerges(definition);
            // Without real scores the merge order is only approximated by them: keep the exact order too (llama.cpp
            // ignores merges for "llama"; GgufTokenizerReader prefers them).
            if (!hasScores) metadata[MergesKey] = merges;
            metadata[AddSpacePrefixKey] = PrependsSpace(definition);
            metadata[RemoveExtraWhitespacesKey] = Normalizers(definition.Normalizer).Any(n => n is CollapseWhitespaceNormalizer);
        }

        if (definition.BosTokenId is int bos) metadata[BosIdKey] = (uint)bos;
        // GGUF has no list of end ids: llama.cpp stops on EOS, end-of-turn and end-of-message, so up to three fit.
        string[] endKeys = [EosIdKey, EotIdKey, EomIdKey];
        for (int i = 0; i < endKeys.Length && i < definition.EosTokenIds.Count; i++)
            metadata[endKeys[i]] = (uint)definition.EosTokenIds[i];
        int unk = definition.UnknownToken is { } u && definition.ModelVocabulary.TryGetValue(u, out int unkId) ? unkId : -1;
        if (unk >= 0) metadata[UnknownIdKey] = (uint)unk;
        if (definition.PaddingTokenId is int pad) metadata[PaddingIdKey] = (uint)pad;
        metadata[AddBosKey] = definition.AddBosToken;
        metadata[AddEosKey] = definition.AddEosToken;
        if (vocabularySize is int rows) GgufVocabularyFit.Fit(metadata, rows);
        return metadata;
    }

    private static TokenType[] TokenTypes(TokenizerDefinition definition)
    {
        int count = definition.Tokens.Count;
        var types = new TokenType[count];
        for (int id = 0; id < count; id++)
        {
            string? token = definition.Tokens[id];
            types[id] = token is null ? TokenType.Unused
                : !definition.ByteLevel && definition.ByteFallback && IsByteToken(token) ? TokenType.Byte
                : TokenType.Normal;
        }
        foreach (var t in definition.AddedTokens)
            if ((uint)t.Id < (uint)count) types[t.Id] = t.Special ? TokenType.Control : TokenType.UserDefined;
        if (definition.UnknownToken is { } unk && definition.ModelVocabulary.TryGetValue(unk, out int unkId))
            types[unkId] = TokenType.Unknown;
        return types;
    }

    private static bool IsByteToken(string token) =>
        token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
        && byte.TryParse(token.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _);

    // llama.cpp merges the adjacent pair whose joined piece scores highest; ranking pieces by the first merge that
    // makes them reproduces the merge order wherever a piece has one way to be made.
    private static float[] ScoresFromMerges(TokenizerDefinition definition)
    {
        var scores = new float[definition.Tokens.Count];
        Array.Fill(scores, UnmergedScore);
        for (int rank = definition.Merges.Count - 1; rank >= 0; rank--)
        {
            var (left, right) = definition.Merges[rank];
            if (definition.ModelVocabulary.TryGetValue(left + right, out int id)) scores[id] = -rank;
        }
        return scores;
    }

    private static bool PrependsSpace(TokenizerDefinition definition) =>
        Normalizers(definition.Normalizer).Any(n => n is PrependNormalizer { Prefix: "▁" })
        || PreTokenizers(definition.PreTokenizer).Any(p => p is MetaspacePreTokenizer { Scheme: not PrependScheme.Never });

    private static string PreName(TokenizerDefinition definition, string? pre)
    {
        if (pre is not null)
        {
            if (GgufPreTokenizers.Find(pre) is null)
                throw new ArgumentException($"{definition.SourcePath}: GGUF pre-tokenizer '{pre}' is not known (known: {string.Join(", ", GgufPreTokenizers.Names)})", nameof(pre));
            return pre;
        }
        var stages = PreTokenizers(definition.PreTokenizer).ToList();
        if (stages.Any(s => s is not RegexSplitPreTokenizer))
            throw new ArgumentException($"{definition.SourcePath}: its pre-tokenizer ({string.Join(", ", stages.Select(s => s.GetType().Name))}) has no GGUF equivalent", nameof(definition));
        var patterns = stages.Cast<RegexSplitPreTokenizer>().Select(s => s.Pattern).ToList();
        var matching = GgufPreTokenizers.All.Where(k => k.Stages.Select(s => s.Pattern).SequenceEqual(patterns)).ToList();
        // Several names can share a split (llama3 and dbrx): prefer the one whose other settings agree.
        bool nfc = definition.Normalizer is NfcNormalizer;
        var best = matching.FirstOrDefault(k => k.IgnoreMerges == definition.IgnoreMerges && k.ComposesText == nfc) ?? matching.FirstOrDefault();
        return best?.Name ?? throw new ArgumentException(
            $"{definition.SourcePath}: no GGUF pre-tokenizer splits like this tokenizer; name one (known: {string.Join(", ", GgufPreTokenizers.Names)})", nameof(definition));
    }

    private static IEnumerable<ITextNormalizer> Normalizers(ITextNormalizer? normalizer) => normalizer switch
    {
        null => [],
        SequenceNormalizer s => s.Normalizers.SelectMany(Normalizers),
        _ => [normalizer],
    };

    private static IEnumerable<IPreTokenizer> PreTokenizers(IPreTokenizer? preTokenizer) => preTokenizer switch
    {
        null => [],
        SequencePreTokenizer s => s.Stages.SelectMany(PreTokenizers),
        _ => [preTokenizer],
    };
}
