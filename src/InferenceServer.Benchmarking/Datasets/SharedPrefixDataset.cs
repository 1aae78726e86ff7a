using InferenceServer.Tokenization;

namespace InferenceServer.Benchmarking.Datasets;

/// <summary>
/// Groups of prompts that share a prefix (vLLM's prefix-repetition dataset), to measure the prefix cache: each group
/// has its own random prefix of --prefix-len tokens, each prompt a random suffix of --input-len tokens; order is shuffled.
/// </summary>
internal static class SharedPrefixDataset
{
    // A newline between prefix and suffix keeps the prefix's last token from merging with the suffix's first.
    private const string Separator = "\n";

    public static List<BenchPrompt> Build(ITextTokenizer tokenizer, DatasetSpec spec, int count, Random random)
    {
        if (spec.PrefixGroups < 1) throw new ArgumentException($"--prefix-groups must be at least 1 (got {spec.PrefixGroups})");
        int outputLen = spec.OutputLen ?? throw new ArgumentException("--output-len is required for the shared-prefix dataset");
        var text = new PromptTextSynthesizer(tokenizer);
        var prefixes = Enumerable.Range(0, spec.PrefixGroups).Select(_ => text.Make(random, spec.PrefixLen)).ToArray();
        var prompts = new List<BenchPrompt>(count);
        for (int i = 0; i < count; i++)
        {
            string prompt = prefixes[i % prefixes.Length] + Separator + text.Make(random, LengthSampler.Draw(random, spec.InputLen, spec.RangeRatio));
            prompts.Add(new BenchPrompt(prompt, text.Count(prompt), LengthSampler.Draw(random, outputLen, spec.RangeRatio)));
        }
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(prompts));
        return prompts;
    }
}
