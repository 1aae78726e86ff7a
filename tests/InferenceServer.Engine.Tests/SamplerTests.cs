using InferenceServer.Engine.Sampling;

namespace InferenceServer.Engine.Tests;

public sealed class SamplerTests
{
    private const int Vocab = 50;
    private static readonly float[] BaseLogits = Enumerable.Range(0, Vocab).Select(i => (float)Math.Sin(i * 1.7) * 3).ToArray();

    private static int[] Draw(SamplingParams p, int n, int[]? prompt = null)
    {
        var sampler = new Sampler(Vocab);
        var state = new SamplingState(p, prompt ?? []);
        var result = new int[n];
        for (int i = 0; i < n; i++)
        {
            var logits = (float[])BaseLogits.Clone();
            result[i] = sampler.Sample(logits, state).TokenId;
        }
        return result;
    }

    private static int[] Ranked => Enumerable.Range(0, Vocab).OrderByDescending(i => BaseLogits[i]).ToArray();

    private static double[] Softmax(float[] logits, double temperature = 1)
    {
        double max = logits.Max();
        var e = logits.Select(l => Math.Exp((l - max) / temperature)).ToArray();
        double s = e.Sum();
        return e.Select(x => x / s).ToArray();
    }

    [Fact]
    public void Greedy_picks_the_argmax_every_time()
    {
        Assert.All(Draw(new SamplingParams { Temperature = 0 }, 20), t => Assert.Equal(Ranked[0], t));
    }

    [Fact]
    public void Top_k_never_yields_a_token_outside_the_k_best()
    {
        var allowed = Ranked.Take(5).ToHashSet();
        var draws = Draw(new SamplingParams { TopK = 5, Temperature = 2, Seed = 3 }, 3000);
        Assert.All(draws, t => Assert.Contains(t, allowed));
        Assert.Equal(5, draws.Distinct().Count());
    }

    [Fact]
    public void Top_p_keeps_the_smallest_set_reaching_the_mass()
    {
        var probs = Softmax(BaseLogits);
        double cumulative = 0;
        var nucleus = new HashSet<int>();
        foreach (var id in Ranked)
        {
            nucleus.Add(id);
            cumulative += probs[id];
            if (cumulative >= 0.6) break;
        }
        var draws = Draw(new SamplingParams { TopP = 0.6f, Seed = 11 }, 4000);
        Assert.All(draws, t => Assert.Contains(t, nucleus));
        Assert.Equal(nucleus.Count, draws.Distinct().Count());
    }

    [Fact]
    public void Min_p_drops_tokens_below_the_fraction_of_the_best()
    {
        var probs = Softmax(BaseLogits);
        double best = probs.Max();
        var allowed = Enumerable.Range(0, Vocab).Where(i => probs[i] >= 0.2 * best).ToHashSet();
        Assert.All(Draw(new SamplingParams { MinP = 0.2f, Seed = 5 }, 3000), t => Assert.Contains(t, allowed));
    }

    [Fact]
    public void Frequencies_follow_the_tempered_softmax()
    {
        const int n = 40000;
        var probs = Softmax(BaseLogits, temperature: 0.7);
        var counts = new int[Vocab];
        foreach (var t in Draw(new SamplingParams { Temperature = 0.7f, Seed = 99 }, n)) counts[t]++;
        for (int i = 0; i < Vocab; i++)
        {
            double sd = Math.Sqrt(probs[i] * (1 - probs[i]) / n);
            Assert.True(Math.Abs(counts[i] / (double)n - probs[i]) <= 5 * sd + 1e-4, $"token {i}: {counts[i] / (double)n} vs {probs[i]}");
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_tokens_and_another_seed_does_not()
    {
        var p = new SamplingParams { Temperature = 1.5f, Seed = 1234 };
        Assert.Equal(Draw(p, 200), Draw(p, 200));
        Assert.NotEqual(Draw(p, 200), Draw(p with { Seed = 4321 }, 200));
    }

    [Fact]
    public void Penalties_push_down_tokens_already_generated()
    {
        // Greedy with a strong frequency penalty cannot repeat the argmax forever.
        var draws = Draw(new SamplingParams { Temperature = 0, FrequencyPenalty = 2 }, 10);
        Assert.True(draws.Distinct().Count() > 1);
        // A repetition penalty also applies to prompt tokens: the best token, present in the prompt, loses its place.
        var withPrompt = Draw(new SamplingParams { Temperature = 0, RepetitionPenalty = 100 }, 1, prompt: [Ranked[0]]);
        Assert.NotEqual(Ranked[0], withPrompt[0]);
    }

    [Fact]
    public void Logprobs_are_those_of_the_raw_distribution()
    {
        var sampler = new Sampler(Vocab);
        var state = new SamplingState(new SamplingParams { Temperature = 0.5f, TopK = 3, Logprobs = 4, Seed = 1 }, []);
        var logits = (float[])BaseLogits.Clone();
        var s = sampler.Sample(logits, state);
        var probs = Softmax(BaseLogits);
        Assert.Equal(Math.Log(probs[s.TokenId]), s.Logprob, 1e-4);
        Assert.NotNull(s.TopLogprobs);
        Assert.Equal(Ranked.Take(4), s.TopLogprobs!.Select(t => t.TokenId));
        foreach (var t in s.TopLogprobs) Assert.Equal(Math.Log(probs[t.TokenId]), t.Logprob, 1e-4);
    }

    [Theory]
    [InlineData(-1f, 1f, 0f, "temperature")]
    [InlineData(1f, 0f, 0f, "top_p")]
    [InlineData(1f, 1f, 1.5f, "min_p")]
    public void Out_of_range_parameters_are_rejected_with_the_field_name(float temperature, float topP, float minP, string field)
    {
        var e = Assert.Throws<ArgumentException>(() => new SamplingParams { Temperature = temperature, TopP = topP, MinP = minP }.Validate());
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }
}
