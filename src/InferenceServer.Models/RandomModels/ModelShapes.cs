using InferenceServer.Models.Config;

namespace InferenceServer.Models.RandomModels;

/// <summary>
/// Shapes of real open models, for random-weight benchmark models. Sizes, RoPE settings and special-token ids
/// follow each model's published config.json. Only stories110m has its own tokenizer; the others use the
/// Qwen3 tokenizer as a stand-in, so ids may name other tokens and ids at or above the vocabulary size are
/// never produced by the model (benchmarks feed random ids, so this does not matter there). In a GGUF file the
/// tokenizer is padded or cut to the embedding's rows, as llama.cpp requires.
/// </summary>
public static class ModelShapes
{
    /// <summary>llama2.c stories110M (its real model ties the classifier; untied here to exercise lm_head).</summary>
    public static ModelShape Stories110M { get; } = new("stories110m", new ModelConfig
        {
            Architecture = ModelArchitecture.Llama,
            HiddenSize = 768, IntermediateSize = 2048, NumLayers = 12, NumHeads = 12, HeadDim = 64, NumKvHeads = 12,
            VocabSize = 32000, MaxPositionEmbeddings = 1024, RmsNormEps = 1e-5, TieWordEmbeddings = false,
            BosTokenId = 1, EosTokenIds = [2],
        }, TokenizerFiles.Llama2Spm);

    /// <summary>HuggingFaceTB/SmolLM2-135M(-Instruct); context capped at 2048 (the real config allows 8192).</summary>
    public static ModelShape SmolLM2_135M { get; } = new("smollm2-135m", new ModelConfig
        {
            Architecture = ModelArchitecture.Llama,
            HiddenSize = 576, IntermediateSize = 1536, NumLayers = 30, NumHeads = 9, HeadDim = 64, NumKvHeads = 3,
            VocabSize = 49152, MaxPositionEmbeddings = 2048, RopeTheta = 100000, RmsNormEps = 1e-5, TieWordEmbeddings = true,
            BosTokenId = 1, EosTokenIds = [2],
        }, TokenizerFiles.Qwen3);

    /// <summary>Qwen/Qwen2.5-0.5B-Instruct.</summary>
    public static ModelShape Qwen25_05B { get; } = new("qwen2.5-0.5b", new ModelConfig
        {
            Architecture = ModelArchitecture.Qwen2,
            HiddenSize = 896, IntermediateSize = 4864, NumLayers = 24, NumHeads = 14, HeadDim = 64, NumKvHeads = 2,
            VocabSize = 151936, MaxPositionEmbeddings = 32768, RopeTheta = 1_000_000, RmsNormEps = 1e-6, TieWordEmbeddings = true,
            BosTokenId = 151643, EosTokenIds = [151645, 151643],
            AttentionBias = true,
        }, TokenizerFiles.Qwen3);

    /// <summary>meta-llama/Llama-3.2-1B-Instruct, with Llama 3 RoPE scaling.</summary>
    public static ModelShape Llama32_1B { get; } = new("llama-3.2-1b", new ModelConfig
        {
            Architecture = ModelArchitecture.Llama,
            HiddenSize = 2048, IntermediateSize = 8192, NumLayers = 16, NumHeads = 32, HeadDim = 64, NumKvHeads = 8,
            VocabSize = 128256, MaxPositionEmbeddings = 131072, RopeTheta = 500000, RmsNormEps = 1e-5, TieWordEmbeddings = true,
            RopeScaling = new RopeScaling(32, 1, 4, 8192),
            BosTokenId = 128000, EosTokenIds = [128001, 128008, 128009],
        }, TokenizerFiles.Qwen3);

    /// <summary>Qwen/Qwen3-0.6B: explicit head_dim 128 (wider than hidden / heads) and q/k norms.</summary>
    public static ModelShape Qwen3_06B { get; } = new("qwen3-0.6b", new ModelConfig
        {
            Architecture = ModelArchitecture.Qwen3,
            HiddenSize = 1024, IntermediateSize = 3072, NumLayers = 28, NumHeads = 16, NumKvHeads = 8, HeadDim = 128,
            VocabSize = 151936, MaxPositionEmbeddings = 40960, RopeTheta = 1_000_000, RmsNormEps = 1e-6, TieWordEmbeddings = true,
            BosTokenId = 151643, EosTokenIds = [151645, 151643],
            QkNorm = true,
        }, TokenizerFiles.Qwen3);

    public static IReadOnlyList<ModelShape> All { get; } = [Stories110M, SmolLM2_135M, Qwen25_05B, Llama32_1B, Qwen3_06B];

    /// <summary>The shape called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static ModelShape? Find(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
