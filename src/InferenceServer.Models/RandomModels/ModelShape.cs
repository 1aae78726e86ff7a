using InferenceServer.Models.Config;

namespace InferenceServer.Models.RandomModels;

/// <summary>The architecture and sizes of a real model, for generating random-weight stand-ins of the same shape.</summary>
public sealed record ModelShape
{
    public required string Name { get; init; }
    public required ModelArchitecture Architecture { get; init; }
    public required int HiddenSize { get; init; }
    public required int IntermediateSize { get; init; }
    public required int NumLayers { get; init; }
    public required int NumHeads { get; init; }
    public required int NumKvHeads { get; init; }
    /// <summary>Explicit head size; null means hidden / heads.</summary>
    public int? HeadDim { get; init; }
    public required int VocabSize { get; init; }
    public required int MaxPositionEmbeddings { get; init; }
    public double RopeTheta { get; init; } = 10000.0;
    public RopeScaling? RopeScaling { get; init; }
    public double RmsNormEps { get; init; } = 1e-5;
    public bool TieWordEmbeddings { get; init; }
    public int? SlidingWindow { get; init; }
    /// <summary>The real model's BOS id (it may name another token in a stand-in tokenizer).</summary>
    public int? BosTokenId { get; init; }
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];
    public TokenizerFiles Tokenizer { get; init; } = TokenizerFiles.Qwen3;

    /// <summary>The config of a model of this shape.</summary>
    public ModelConfig ToConfig() => new()
    {
        Architecture = Architecture,
        HiddenSize = HiddenSize,
        IntermediateSize = IntermediateSize,
        NumLayers = NumLayers,
        NumHeads = NumHeads,
        NumKvHeads = NumKvHeads,
        HeadDim = HeadDim ?? HiddenSize / NumHeads,
        VocabSize = VocabSize,
        MaxPositionEmbeddings = MaxPositionEmbeddings,
        RmsNormEps = RmsNormEps,
        RopeTheta = RopeTheta,
        RopeScaling = RopeScaling,
        TieWordEmbeddings = TieWordEmbeddings,
        AttentionBias = Architecture == ModelArchitecture.Qwen2,
        QkNorm = Architecture == ModelArchitecture.Qwen3,
        SlidingWindow = SlidingWindow,
        BosTokenId = BosTokenId,
        EosTokenIds = EosTokenIds,
    };

    /// <summary>Number of weight values (all tensors, lm_head included when untied).</summary>
    public long ParameterCount => Loading.ExpectedTensors.For(ToConfig())
        .Sum(t => t.Shape.Aggregate(1L, (a, b) => a * b));
}
