namespace InferenceServer.Benchmarking.Datasets;

/// <summary>Which workload to generate and its lengths (as vLLM's random, prefix-repetition and ShareGPT datasets).</summary>
public sealed record DatasetSpec
{
    /// <summary>random, shared-prefix or sharegpt.</summary>
    public string Name { get; init; } = "random";

    /// <summary>Prompt tokens (random), or the suffix after the shared prefix (shared-prefix).</summary>
    public int InputLen { get; init; } = 1024;

    /// <summary>Tokens to generate; for sharegpt, null takes the length of the recorded answer.</summary>
    public int? OutputLen { get; init; } = 128;

    /// <summary>Lengths are drawn uniformly from [len * (1 - r), len * (1 + r)].</summary>
    public double RangeRatio { get; init; }

    /// <summary>Number of distinct prefixes (shared-prefix).</summary>
    public int PrefixGroups { get; init; } = 4;

    /// <summary>Tokens in each shared prefix (shared-prefix).</summary>
    public int PrefixLen { get; init; } = 256;

    /// <summary>The ShareGPT JSON file (sharegpt).</summary>
    public string? Path { get; init; }
}
