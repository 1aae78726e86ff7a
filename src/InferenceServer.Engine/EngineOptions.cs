using InferenceServer.Core.Tensors;

namespace InferenceServer.Engine;

/// <summary>Settings of an engine instance that do not depend on the request.</summary>
public sealed record EngineOptions
{
    /// <summary>CPU threads for kernels (0: all cores).</summary>
    public int Threads { get; init; }

    /// <summary>Storage type of weight matrices (null: keep the file's).</summary>
    public TensorDType? WeightDType { get; init; }

    /// <summary>Most tokens in one forward pass; longer prompts are prefilled in chunks of this size.</summary>
    public int MaxBatchTokens { get; init; } = 512;

    /// <summary>Tokens per KV-cache block.</summary>
    public int BlockSize { get; init; } = 16;

    /// <summary>Context length cap (null: the model's).</summary>
    public int? MaxContext { get; init; }
}
