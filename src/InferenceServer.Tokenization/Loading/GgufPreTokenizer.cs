using InferenceServer.Tokenization.PreTokenization;

namespace InferenceServer.Tokenization.Loading;

/// <summary>
/// What llama.cpp does for one kind of GGUF tokenizer.ggml.pre on a byte-level vocabulary: the regex splits, applied
/// one after another, and the settings that come with the kind.
/// </summary>
public sealed class GgufPreTokenizer
{
    internal GgufPreTokenizer(IReadOnlyList<string> names, IReadOnlyList<RegexSplitPreTokenizer> stages,
        bool ignoreMerges, bool addBosByDefault, bool composesText)
    {
        Names = names;
        Stages = stages;
        PreTokenizer = stages.Count == 1 ? stages[0] : new SequencePreTokenizer(stages);
        IgnoreMerges = ignoreMerges;
        AddBosByDefault = addBosByDefault;
        ComposesText = composesText;
    }

    /// <summary>The tokenizer.ggml.pre values that select this kind; the first is the one a writer puts in a file.</summary>
    public IReadOnlyList<string> Names { get; }

    public string Name => Names[0];

    /// <summary>The splits in order: each one runs on every piece the previous one left.</summary>
    public IReadOnlyList<RegexSplitPreTokenizer> Stages { get; }

    /// <summary>The stages as one pre-tokenizer.</summary>
    public IPreTokenizer PreTokenizer { get; }

    /// <summary>Whether a piece that is itself a vocabulary token is taken whole (llama.cpp ignore_merges, Llama 3).</summary>
    public bool IgnoreMerges { get; }

    /// <summary>Whether BOS is added when the file has no tokenizer.ggml.add_bos_token.</summary>
    public bool AddBosByDefault { get; }

    /// <summary>
    /// Whether text is put in Unicode NFC first. GGUF records no normalizer and llama.cpp applies none; Qwen2's
    /// tokenizer.json does, and without it decomposed accents encode differently from Hugging Face.
    /// </summary>
    public bool ComposesText { get; }
}
