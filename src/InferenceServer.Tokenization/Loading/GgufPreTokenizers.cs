using InferenceServer.Tokenization.PreTokenization;
using static InferenceServer.Tokenization.PreTokenization.PreTokenizerPatterns;

namespace InferenceServer.Tokenization.Loading;

/// <summary>
/// The GGUF tokenizer.ggml.pre names this build knows, with the splits llama.cpp (src/llama-vocab.cpp) uses for each.
/// </summary>
public static class GgufPreTokenizers
{
    private sealed record Entry(string[] Names, Lazy<GgufPreTokenizer> Value);

    // Regexes are compiled on first use of a kind, not for every kind up front.
    private static Entry Kind(string[] names, Func<RegexSplitPreTokenizer[]> stages,
        bool ignoreMerges = false, bool addBos = false, bool composesText = false) =>
        new(names, new Lazy<GgufPreTokenizer>(() => new GgufPreTokenizer(names, stages(), ignoreMerges, addBos, composesText)));

    private static RegexSplitPreTokenizer Split(string pattern) => new(pattern);

    // Patterns that name characters by range run on the raw text (see RegexSplitPreTokenizer).
    private static RegexSplitPreTokenizer RawSplit(string pattern) => new(pattern, matchesSurrogatePairs: true);

    private static readonly Entry[] Entries =
    [
        Kind(["default"], () => [Split(LlamaCppPunctuation), Split(Gpt2), Split(DigitRuns), Split(AsciiDigitTriples)]),
        Kind(["llama3", "llama-bpe", "llama-v3", "falcon3", "falcon-h1", "pixtral"], () => [Split(Llama3)], ignoreMerges: true, addBos: true),
        Kind(["dbrx", "smaug-bpe"], () => [Split(Llama3)]),
        Kind(["qwen2", "deepseek-r1-qwen"], () => [Split(Qwen2)], composesText: true),
        Kind(["stablelm2", "megrez"], () => [Split(Qwen2)]),
        Kind(["gpt-2", "gpt2", "phi-2", "mpt", "olmo", "jais", "gigachat", "exaone4"], () => [Split(Gpt2)]),
        Kind(["starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b"], () => [Split(SingleDigit), Split(Gpt2)]),
        Kind(["falcon"], () => [Split(FalconPunctuation), Split(Gpt2), Split(AsciiDigitTriples)]),
        Kind(["deepseek-llm"], () =>
        [
            RawSplit(LineBreak), RawSplit(DeepSeekLlmLetters), RawSplit(DeepSeekLlmPunctuation),
            RawSplit(TrailingWhitespace), RawSplit(DeepSeekCjk), Split(DigitRuns),
        ]),
        Kind(["deepseek-coder"], () =>
            [RawSplit(LineBreak), Split(SpaceLetters), Split(SpacePunctuation), RawSplit(DeepSeekCjk), Split(SingleDigit)]),
        Kind(["deepseek-v3"], () => [Split(DigitTriples), RawSplit(DeepSeekV3Cjk), Split(DeepSeekV3)]),
    ];

    /// <summary>Every known name, kinds in order.</summary>
    public static IEnumerable<string> Names => Entries.SelectMany(e => e.Names);

    /// <summary>The kinds in order (each built on first use).</summary>
    public static IEnumerable<GgufPreTokenizer> All => Entries.Select(e => e.Value.Value);

    /// <summary>The kind <paramref name="name"/> selects, or null when this build does not know the name.</summary>
    public static GgufPreTokenizer? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var e in Entries)
            if (Array.IndexOf(e.Names, name) >= 0) return e.Value.Value;
        return null;
    }
}
