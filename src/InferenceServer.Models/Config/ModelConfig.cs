namespace InferenceServer.Models.Config;

/// <summary>
/// Everything the engine needs to know about a model's shape, read from config.json or GGUF metadata.
/// Tensor names used with it are always the Hugging Face ones (GGUF names are mapped on load).
/// </summary>
public sealed record ModelConfig
{
    public required ModelArchitecture Architecture { get; init; }
    public required int HiddenSize { get; init; }
    public required int IntermediateSize { get; init; }
    public required int NumLayers { get; init; }
    public required int NumHeads { get; init; }
    public required int NumKvHeads { get; init; }
    public required int HeadDim { get; init; }
    public required int VocabSize { get; init; }
    public required int MaxPositionEmbeddings { get; init; }
    public double RmsNormEps { get; init; } = 1e-6;
    public double RopeTheta { get; init; } = 10000.0;
    public RopeScaling? RopeScaling { get; init; }
    public bool TieWordEmbeddings { get; init; }
    /// <summary>Bias on q/k/v projections (Qwen2).</summary>
    public bool AttentionBias { get; init; }
    /// <summary>Per-head RMSNorm on q and k before RoPE (Qwen3).</summary>
    public bool QkNorm { get; init; }
    /// <summary>Sliding attention window in tokens (Mistral), or null for full attention.</summary>
    public int? SlidingWindow { get; init; }
    public int? BosTokenId { get; init; }
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    /// <summary>Query heads per KV head (grouped-query attention).</summary>
    public int GroupSize => NumHeads / NumKvHeads;

    /// <summary>Throws with a clear message when the numbers cannot describe a valid model.</summary>
    public void Validate(string path)
    {
        void Require(bool ok, string what)
        {
            if (!ok) throw new Core.Errors.ModelLoadException(path, $"invalid model config: {what}");
        }
        Require(HiddenSize > 0 && IntermediateSize > 0 && NumLayers > 0 && VocabSize > 0, "sizes must be positive");
        Require(NumHeads > 0 && NumKvHeads > 0 && NumHeads % NumKvHeads == 0,
            $"num_attention_heads ({NumHeads}) must be a positive multiple of num_key_value_heads ({NumKvHeads})");
        Require(HeadDim > 0 && HeadDim % 2 == 0, $"head_dim ({HeadDim}) must be positive and even");
        Require(MaxPositionEmbeddings > 0, "max_position_embeddings must be positive");
    }
}
