namespace InferenceServer.Tokenization.PreTokenization;

/// <summary>The split regexes of common byte-level BPE tokenizers, and the GGUF tokenizer.ggml.pre names that select them.</summary>
public static class PreTokenizerPatterns
{
    /// <summary>GPT-2 (tokenizer.json ByteLevel with use_regex, GGUF "gpt2").</summary>
    public const string Gpt2 =
        @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>Llama 3 (GGUF "llama3", "llama-bpe"): digits in groups of up to three.</summary>
    public const string Llama3 =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Qwen2/Qwen3 (GGUF "qwen2"): single digits.</summary>
    public const string Qwen2 =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>
    /// The pre-tokenizer llama.cpp uses for a GGUF byte-level vocabulary with tokenizer.ggml.pre = <paramref name="name"/>,
    /// or null when this build does not know the name.
    /// </summary>
    public static IPreTokenizer? ForGgufPre(string name) => name switch
    {
        "gpt2" or "gpt-2" or "mpt" or "olmo" or "jais" => new RegexSplitPreTokenizer(Gpt2),
        "llama3" or "llama-bpe" or "llama-v3" => new RegexSplitPreTokenizer(Llama3),
        "qwen2" => new RegexSplitPreTokenizer(Qwen2),
        // llama.cpp's fallback for byte-level vocabularies: punctuation runs, the GPT-2 regex, digit runs, digit triples.
        "default" => new SequencePreTokenizer(
        [
            new RegexSplitPreTokenizer(@"[\p{P}\$\+<=>\^~\|]+"),
            new RegexSplitPreTokenizer(Gpt2),
            new RegexSplitPreTokenizer(@"\p{N}+"),
            new RegexSplitPreTokenizer("[0-9][0-9][0-9]"),
        ]),
        _ => null,
    };
}
