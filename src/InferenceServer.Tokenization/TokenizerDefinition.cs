using InferenceServer.Tokenization.Decoding;
using InferenceServer.Tokenization.Normalization;
using InferenceServer.Tokenization.PreTokenization;

namespace InferenceServer.Tokenization;

/// <summary>
/// Everything a loader reads from a tokenizer file (tokenizer.json, tokenizer.model, GGUF metadata), in one shape that
/// <see cref="TextTokenizer"/> is built from.
/// </summary>
public sealed record TokenizerDefinition
{
    /// <summary>The file it came from, named in errors.</summary>
    public required string SourcePath { get; init; }

    /// <summary>True for GPT-2 style byte-level BPE; false for character BPE (SentencePiece style).</summary>
    public required bool ByteLevel { get; init; }

    /// <summary>Token strings by id, model vocabulary and added tokens together; null marks an id with no token.</summary>
    public required IReadOnlyList<string?> Tokens { get; init; }

    /// <summary>The BPE model's vocabulary (string to id); added tokens may be absent.</summary>
    public required IReadOnlyDictionary<string, int> ModelVocabulary { get; init; }

    /// <summary>Merges in priority order.</summary>
    public required IReadOnlyList<(string Left, string Right)> Merges { get; init; }

    /// <summary>
    /// SentencePiece piece scores by id when the file has them (tokenizer.model, GGUF "llama" vocabularies), which the
    /// merges were derived from; null otherwise. Kept so a GGUF writer can hand llama.cpp the scores it merges by.
    /// </summary>
    public IReadOnlyList<float>? Scores { get; init; }

    public required IReadOnlyList<AddedToken> AddedTokens { get; init; }

    public ITextNormalizer? Normalizer { get; init; }

    public IPreTokenizer? PreTokenizer { get; init; }

    public string? UnknownToken { get; init; }

    public bool FuseUnknown { get; init; }

    /// <summary>Whether unknown characters become &lt;0xXX&gt; byte tokens.</summary>
    public bool ByteFallback { get; init; }

    /// <summary>Whether a piece that is itself a vocabulary token is taken whole, without merging (Hugging Face ignore_merges).</summary>
    public bool IgnoreMerges { get; init; }

    public required TokenDecoding Decoding { get; init; }

    public int? BosTokenId { get; init; }

    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    public bool AddBosToken { get; init; }

    public bool AddEosToken { get; init; }

    /// <summary>The padding token (tokenizer_config.json pad_token, GGUF padding_token_id), or null.</summary>
    public int? PaddingTokenId { get; init; }
}
