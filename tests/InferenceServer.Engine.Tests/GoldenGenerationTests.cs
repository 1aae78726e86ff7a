using InferenceServer.Core.Tensors;
using InferenceServer.Devices;
using InferenceServer.Engine.Sampling;
using InferenceServer.Models.Conversion;
using InferenceServer.Models.Loading;
using InferenceServer.TestSupport;

namespace InferenceServer.Engine.Tests;

public sealed class GoldenGenerationTests
{
    private static readonly SamplingParams Greedy = new() { Temperature = 0, MaxTokens = 60, IgnoreEos = true };

    private static (int[] Tokens, string Text) Generate(string modelPath, SamplingParams p, string prompt = "Once upon a time", EngineOptions? options = null)
    {
        using var opened = ModelOpener.Open(modelPath);
        using var generator = EngineFactory.CreateGenerator(opened.Model, opened.Tokenizer, options ?? new EngineOptions { Threads = 2 });
        var events = generator.Generate(opened.Tokenizer.Encode(prompt), p).ToList();
        return (events.Select(e => e.TokenId).ToArray(), string.Concat(events.Select(e => e.TextDelta)));
    }

    [Fact]
    public void Greedy_generation_is_deterministic_and_readable()
    {
        var a = Generate(SharedModels.TinyStories, Greedy);
        var b = Generate(SharedModels.TinyStories, Greedy);
        Assert.Equal(a.Tokens, b.Tokens);
        Assert.Equal(60, a.Tokens.Length);
        // A trained story model continues in English words, not byte soup.
        Assert.Matches(@"^[ ,.\w'""!?\n-]+$", a.Text);
        Assert.True(a.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length > 20, a.Text);
    }

    [Fact]
    public void Safetensors_and_a_GGUF_F32_copy_generate_the_same_tokens()
    {
        using var dir = new TempDirectory();
        string gguf = dir.File("tinystories-f32.gguf");
        using (var hf = ModelLoader.Load(SharedModels.TinyStories))
            GgufConverter.FromHuggingFace(hf, gguf, TensorDType.F32);
        // The copy carries no vocabulary: the opener then takes the tokenizer files beside it.
        foreach (var f in new[] { "tokenizer.json", "tokenizer_config.json" })
            File.Copy(Path.Combine(SharedModels.TinyStories, f), dir.File(f));
        var fromSafetensors = Generate(SharedModels.TinyStories, Greedy);
        var fromGguf = Generate(gguf, Greedy);
        Assert.Equal(fromSafetensors.Tokens, fromGguf.Tokens);
        Assert.Equal(fromSafetensors.Text, fromGguf.Text);
    }

    [Fact]
    public void The_Q8_0_GGUF_stays_close_to_the_F32_model()
    {
        int[] prompt = [1, 80, 147, 201, 282, 57];
        using var f32 = ModelLoader.Load(SharedModels.TinyStories);
        using var q8 = ModelLoader.Load(SharedModels.TinyStoriesQ8Gguf);
        var a = ModelRunnerTests.RunChunked(f32, prompt, 64, 16);
        var b = ModelRunnerTests.RunChunked(q8, prompt, 64, 16);
        double maxAbs = a.Max(Math.Abs), maxDiff = a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
        Assert.True(maxDiff < 0.05 * maxAbs, $"max logit difference {maxDiff} vs scale {maxAbs}");
        Assert.Equal(Array.IndexOf(a, a.Max()), Array.IndexOf(b, b.Max()));
        // And its greedy story starts the same way.
        var s = Generate(SharedModels.TinyStories, Greedy with { MaxTokens = 8 });
        var q = Generate(SharedModels.TinyStoriesQ8Gguf, Greedy with { MaxTokens = 8 });
        Assert.Equal(s.Tokens.Take(4), q.Tokens.Take(4));
    }

    [Theory]
    [InlineData(TensorDType.F16)]
    [InlineData(TensorDType.BF16)]
    [InlineData(TensorDType.Q8_0)]
    public void Weights_converted_at_load_stay_close_to_F32(TensorDType storage)
    {
        var f32 = Generate(SharedModels.TinyStories, Greedy with { MaxTokens = 6 });
        var converted = Generate(SharedModels.TinyStories, Greedy with { MaxTokens = 6 }, options: new EngineOptions { Threads = 2, DType = storage });
        Assert.Equal(f32.Tokens.Take(3), converted.Tokens.Take(3));
    }

    [Fact]
    public void Prefill_chunk_size_does_not_change_the_output()
    {
        string prompt = "Once upon a time there was a little dog named Max. Max liked to run in the park with his friend Tom.";
        var whole = Generate(SharedModels.TinyStories, Greedy with { MaxTokens = 20 }, prompt);
        var chunked = Generate(SharedModels.TinyStories, Greedy with { MaxTokens = 20 }, prompt, new EngineOptions { Threads = 1, MaxNumBatchedTokens = 7 });
        Assert.Equal(whole.Tokens, chunked.Tokens);
    }
}
