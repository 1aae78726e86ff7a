namespace InferenceServer.Models.Adapters;

/// <summary>
/// A loaded LoRA adapter in host memory: per layer and target, A as [rank, in] and B transposed as
/// [rank, out] (so the expand step walks contiguous output rows), plus the scaling to apply.
/// </summary>
public sealed class LoraAdapter
{
    private readonly LoraWeights?[,] _weights;

    public LoraAdapter(string name, string path, LoraAdapterConfig config, LoraWeights?[,] weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Name = name;
        Path = path;
        Config = config;
        _weights = weights;
    }

    public string Name { get; }
    public string Path { get; }
    public LoraAdapterConfig Config { get; }
    public int Rank => Config.Rank;
    public float Scaling => (float)Config.Scaling;
    public int NumLayers => _weights.GetLength(0);

    /// <summary>The adapter's matrices for one layer and target, or null where it leaves the base weights alone.</summary>
    public LoraWeights? Weights(int layer, LoraTarget target) => _weights[layer, (int)target];

    /// <summary>Host bytes the adapter's matrices take.</summary>
    public long Bytes
    {
        get
        {
            long total = 0;
            foreach (var w in _weights) if (w != null) total += (w.A.Length + w.BTransposed.Length) * sizeof(float);
            return total;
        }
    }
}

/// <summary>One target's LoRA matrices: A [rank, in] and Bᵀ [rank, out], row-major fp32.</summary>
public sealed record LoraWeights(float[] A, float[] BTransposed, int InFeatures, int OutFeatures);
