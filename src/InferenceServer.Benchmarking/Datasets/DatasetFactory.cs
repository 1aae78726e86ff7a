using InferenceServer.Tokenization;

namespace InferenceServer.Benchmarking.Datasets;

/// <summary>Builds the prompts of a <see cref="DatasetSpec"/>; the same seed gives the same prompts.</summary>
public static class DatasetFactory
{
    public static IReadOnlyList<BenchPrompt> Build(ITextTokenizer tokenizer, DatasetSpec spec, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(spec);
        if (count < 1) throw new ArgumentException($"the workload needs at least one prompt (got {count})");
        var random = new Random(seed);
        return spec.Name switch
        {
            "random" => RandomDataset.Build(tokenizer, spec, count, random),
            "shared-prefix" => SharedPrefixDataset.Build(tokenizer, spec, count, random),
            "sharegpt" => ShareGptDataset.Build(tokenizer, spec, count, random),
            _ => throw new ArgumentException($"unknown dataset '{spec.Name}' (expected random, shared-prefix or sharegpt)"),
        };
    }
}
