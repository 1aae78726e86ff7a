using InferenceServer.Core.Errors;
using InferenceServer.Models.Gguf;
using InferenceServer.Tokenization.Decoding;
using InferenceServer.Tokenization.Normalization;
using InferenceServer.Tokenization.Vocabulary;

namespace InferenceServer.Tokenization.Loading;

/// <summary>
/// Builds a tokenizer definition from GGUF metadata: tokenizer.ggml.model "llama" (SentencePiece BPE) or "gpt2"
/// (byte-level BPE), with tokens, scores, token types, merges, special ids and the pre-tokenizer name.
/// </summary>
public static class GgufTokenizerReader
{
    public const string ModelKey = "tokenizer.ggml.model";
    public const string PreKey = "tokenizer.ggml.pre";
    public const string TokensKey = "tokenizer.ggml.tokens";
    public const string ScoresKey = "tokenizer.ggml.scores";
    public const string TokenTypeKey = "tokenizer.ggml.token_type";
    public const string MergesKey = "tokenizer.ggml.merges";
    public const string BosIdKey = "tokenizer.ggml.bos_token_id";
    public const string EosIdKey = "tokenizer.ggml.eos_token_id";
    public const string EotIdKey = "tokenizer.ggml.eot_token_id";
    public const string EomIdKey = "tokenizer.ggml.eom_token_id";
    public const string UnknownIdKey = "tokenizer.ggml.unknown_token_id";
    public const string PaddingIdKey = "tokenizer.ggml.padding_token_id";
    public const string AddBosKey = "tokenizer.ggml.add_bos_token";
    public const string AddEosKey = "tokenizer.ggml.add_eos_token";
    public const string AddSpacePrefixKey = "tokenizer.ggml.add_space_prefix";
    public const string RemoveExtraWhitespacesKey = "tokenizer.ggml.remove_extra_whitespaces";

    /// <param name="metadata">GGUF metadata as read by <see cref="GgufFile"/>.</param>
    /// <param name="sourcePath">The GGUF file, named in errors.</param>
    public static TokenizerDefinition Read(IReadOnlyDictionary<string, object> metadata, string sourcePath)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var m = new Fields(metadata, sourcePath);
        string kind = m.String(ModelKey) ?? throw m.Missing(ModelKey, "a string");
        string[] tokens = m.Array<string>(TokensKey) ?? throw m.Missing(TokensKey, "an array of strings");
        if (tokens.Length == 0) throw new ModelLoadException(sourcePath, $"GGUF metadata '{TokensKey}' is empty");
        int[]? rawTypes = m.Array<int>(TokenTypeKey);
        if (rawTypes is not null && rawTypes.Length != tokens.Length)
            throw new ModelLoadException(sourcePath, $"GGUF metadata '{TokenTypeKey}' has {rawTypes.Length} entries for {tokens.Length} tokens");
        var types = rawTypes?.Select(t => (TokenType)t).ToArray() ?? [.. tokens.Select(_ => TokenType.Normal)];

        var vocabulary = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (int id = 0; id < tokens.Length; id++) vocabulary.TryAdd(tokens[id], id);

        return kind switch
        {
            "llama" => ReadSentencePiece(m, tokens, types, vocabulary),
            "gpt2" => ReadByteLevel(m, tokens, types, vocabulary),
            _ => throw new ModelLoadException(sourcePath,
                $"GGUF tokenizer model '{kind}' is not supported (supported: llama, gpt2)"),
        };
    }

    private static TokenizerDefinition ReadSentencePiece(Fields m, string[] tokens, TokenType[] types, Dictionary<string, int> vocabulary)
    {
        float[]? scores = m.Array<float>(ScoresKey);
        if (scores is not null && scores.Length != tokens.Length)
            throw new ModelLoadException(m.Path, $"GGUF metadata '{ScoresKey}' has {scores.Length} entries for {tokens.Length} tokens");
        // Explicit merges (which llama.cpp ignores for this kind) keep an exact Hugging Face merge order; else scores rank them.
        var merges = m.Array<string>(MergesKey) is { } given ? ParseMerges(given, m)
            : ScoreMerges.Derive(tokens, scores ?? throw m.Missing(ScoresKey, "an array of numbers (needed without merges)"), vocabulary);
        bool byteFallback = types.Contains(TokenType.Byte);
        bool addSpacePrefix = m.Bool(AddSpacePrefixKey) ?? true;
        var normalizers = new List<ITextNormalizer>();
        if (m.Bool(RemoveExtraWhitespacesKey) ?? false) normalizers.Add(CollapseWhitespaceNormalizer.Instance);
        if (addSpacePrefix) normalizers.Add(new PrependNormalizer("▁"));
        normalizers.Add(new ReplaceNormalizer(" ", "▁"));

        int? unk = m.Id(UnknownIdKey, tokens.Length) ?? (Array.IndexOf(types, TokenType.Unknown) is int u and >= 0 ? u : null);
        int? bos = m.Id(BosIdKey, tokens.Length);
        return new TokenizerDefinition
        {
            SourcePath = m.Path,
            ByteLevel = false,
            Tokens = tokens,
            ModelVocabulary = vocabulary,
            Merges = merges,
            Scores = scores,
            AddedTokens = SentencePieceModelReader.AddedTokensFromTypes(tokens, types),
            Normalizer = new SequenceNormalizer(normalizers),
            UnknownToken = unk is int id ? tokens[id] : null,
            FuseUnknown = true,
            ByteFallback = byteFallback,
            Decoding = new TokenDecoding(TokenTextForm.Metaspace, byteFallback,
                addSpacePrefix ? LeadingSpaceRule.StripOneSpace : LeadingSpaceRule.None),
            BosTokenId = bos,
            AddBosToken = bos is not null && (m.Bool(AddBosKey) ?? true),
            EosTokenIds = EndIds(m, tokens.Length),
            AddEosToken = m.Bool(AddEosKey) ?? false,
            PaddingTokenId = m.Id(PaddingIdKey, tokens.Length),
        };
    }

    private static TokenizerDefinition ReadByteLevel(Fields m, string[] tokens, TokenType[] types, Dictionary<string, int> vocabulary)
    {
        string[] given = m.Array<string>(MergesKey) ?? throw m.Missing(MergesKey, "an array of strings");
        // llama.cpp also reads a missing name as "default".
        string pre = m.String(PreKey) ?? "default";
        var kind = GgufPreTokenizers.Find(pre) ?? throw new ModelLoadException(m.Path,
            $"GGUF pre-tokenizer '{pre}' ({PreKey}) is not supported (supported: {string.Join(", ", GgufPreTokenizers.Names)})");
        int? bos = m.Id(BosIdKey, tokens.Length);
        return new TokenizerDefinition
        {
            SourcePath = m.Path,
            ByteLevel = true,
            Tokens = tokens,
            ModelVocabulary = vocabulary,
            Merges = ParseMerges(given, m),
            AddedTokens = SentencePieceModelReader.AddedTokensFromTypes(tokens, types),
            Normalizer = kind.ComposesText ? NfcNormalizer.Instance : null,
            PreTokenizer = kind.PreTokenizer,
            IgnoreMerges = kind.IgnoreMerges,
            Decoding = new TokenDecoding(TokenTextForm.ByteLevel, false, LeadingSpaceRule.None),
            BosTokenId = bos,
            AddBosToken = bos is not null && (m.Bool(AddBosKey) ?? kind.AddBosByDefault),
            EosTokenIds = EndIds(m, tokens.Length),
            AddEosToken = m.Bool(AddEosKey) ?? false,
            PaddingTokenId = m.Id(PaddingIdKey, tokens.Length),
        };
    }

    // End of generation: EOS, then end-of-turn and end-of-message tokens when the file names them.
    private static int[] EndIds(Fields m, int count) =>
    [
        .. new[] { EosIdKey, EotIdKey, EomIdKey }
            .Select(k => m.Id(k, count)).OfType<int>().Distinct(),
    ];

    private static List<(string, string)> ParseMerges(string[] merges, Fields m)
    {
        var result = new List<(string, string)>(merges.Length);
        for (int i = 0; i < merges.Length; i++)
        {
            string s = merges[i];
            int space = s.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0 || space == s.Length - 1 || s.IndexOf(' ', space + 1) >= 0)
                throw new ModelLoadException(m.Path, $"GGUF metadata '{MergesKey}'[{i}] \"{s}\" is not two tokens separated by one space");
            result.Add((s[..space], s[(space + 1)..]));
        }
        return result;
    }

    private readonly struct Fields(IReadOnlyDictionary<string, object> metadata, string path)
    {
        public string Path => path;

        public ModelLoadException Missing(string key, string what) => metadata.TryGetValue(key, out var v)
            ? new ModelLoadException(path, $"GGUF metadata '{key}' is {v.GetType().Name}, expected {what}")
            : new ModelLoadException(path, $"GGUF metadata '{key}' is missing");

        public string? String(string key) => metadata.TryGetValue(key, out var v)
            ? v as string ?? throw Missing(key, "a string") : null;

        public bool? Bool(string key) => metadata.TryGetValue(key, out var v)
            ? v as bool? ?? throw Missing(key, "a boolean") : null;

        public T[]? Array<T>(string key) => metadata.TryGetValue(key, out var v)
            ? MetadataValues.TryToArray(v, out T[] a) ? a : throw Missing(key, $"an array of {typeof(T).Name}") : null;

        /// <summary>A token id, or null when absent; an id outside the vocabulary is an error.</summary>
        public int? Id(string key, int count)
        {
            if (!metadata.TryGetValue(key, out var v)) return null;
            if (!MetadataValues.TryToLong(v, out long id)) throw Missing(key, "an integer");
            if (id < 0 || id >= count)
            {
                // llama.cpp writes -1 (as 0xFFFFFFFF) for "none".
                if (id is -1 or uint.MaxValue) return null;
                throw new ModelLoadException(path, $"GGUF metadata '{key}' is {id}, outside the {count}-token vocabulary");
            }
            return (int)id;
        }
    }
}
