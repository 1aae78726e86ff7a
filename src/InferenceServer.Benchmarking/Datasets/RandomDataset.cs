using InferenceServer.Tokenization;

namespace InferenceServer.Benchmarking.Datasets;

/// <summary>vLLM's random dataset: prompts of random tokens with input and output lengths drawn around the given ones.</summary>
internal static class RandomDataset
{
    public static List<BenchPrompt> Build(ITextTokenizer tokenizer, DatasetSpec spec, int count, Random random)
    {
        var text = new PromptTextSynthesizer(tokenizer);
        int outputLen = spec.OutputLen ?? throw new ArgumentException("--output-len is required for the random dataset");
        var prompts = new List<BenchPrompt>(count);
        for (int i = 0; i < count; i++)
        {
            int input = LengthSampler.Draw(random, spec.InputLen, spec.RangeRatio);
            int output = LengthSampler.Draw(random, outputLen, spec.RangeRatio);
            string prompt = text.Make(random, input);
            prompts.Add(new BenchPrompt(prompt, text.Count(prompt), output));
        }
        return prompts;
    }
}
