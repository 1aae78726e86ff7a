using InferenceServer.Engine.Sampling;
using InferenceServer.Server.Errors;
using InferenceServer.Server.OpenAi.Contracts;

namespace InferenceServer.Server.OpenAi.Requests;

/// <summary>Turns a request's sampling fields into the engine's <see cref="SamplingParams"/>, with OpenAI's defaults.</summary>
public static class SamplingMapper
{
    /// <summary>
    /// max_tokens defaults to what the context leaves after the prompt (as vLLM does); the engine checks the
    /// ranges and the context bound, and its messages name the field.
    /// </summary>
    public static SamplingParams ToSampling(SamplingRequest r, int promptTokens, int maxContext)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (r.Seed is < 0) throw ServerException.BadRequest($"seed must be >= 0, got {r.Seed}", "seed");
        // top_logprobs without logprobs would be ignored; with it, the range check below covers it.
        if (r is ChatCompletionRequest { TopLogprobs: not null, Logprobs: not true })
            throw ServerException.BadRequest("top_logprobs needs logprobs set to true", "top_logprobs");
        int? logprobs = r.RequestedLogprobs;
        if (logprobs is < 0 or > 20) throw ServerException.BadRequest($"top_logprobs / logprobs must be in [0, 20], got {logprobs}", r is ChatCompletionRequest ? "top_logprobs" : "logprobs");
        if (r.BestOf is { } bestOf && bestOf != 1) throw ServerException.BadRequest($"best_of is not supported (only 1), got {bestOf}", "best_of");
        // The engine's defaults, overridden only by what the request gives.
        var d = Defaults;
        return d with
        {
            Temperature = r.Temperature ?? d.Temperature,
            TopP = r.TopP ?? d.TopP,
            TopK = r.TopK ?? d.TopK,
            MinP = r.MinP ?? d.MinP,
            PresencePenalty = r.PresencePenalty ?? d.PresencePenalty,
            FrequencyPenalty = r.FrequencyPenalty ?? d.FrequencyPenalty,
            RepetitionPenalty = r.RepetitionPenalty ?? d.RepetitionPenalty,
            Seed = r.Seed is long seed ? (ulong)seed : d.Seed,
            MaxTokens = r.RequestedMaxTokens ?? Math.Max(1, maxContext - promptTokens),
            Stop = r.Stop ?? d.Stop,
            StopTokenIds = r.StopTokenIds ?? d.StopTokenIds,
            IgnoreEos = r.IgnoreEos ?? d.IgnoreEos,
            Logprobs = logprobs,
            LogitBias = r.LogitBias is null ? d.LogitBias : LogitBias(r.LogitBias),
        };
    }

    /// <summary>logit_bias's string keys as token ids (their range against the vocabulary is the engine's check).</summary>
    private static Dictionary<int, float> LogitBias(Dictionary<string, float> bias)
    {
        var ids = new Dictionary<int, float>();
        foreach (var (key, value) in bias)
        {
            if (!int.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int id))
                throw ServerException.BadRequest($"logit_bias keys must be token ids, got '{key}'", "logit_bias");
            ids[id] = value;
        }
        return ids;
    }

    private static readonly SamplingParams Defaults = new();

    /// <summary>The number of choices, checked against the server's bound.</summary>
    public static int Choices(SamplingRequest r, int maxChoices)
    {
        ArgumentNullException.ThrowIfNull(r);
        int n = r.N ?? 1;
        if (n < 1 || n > maxChoices) throw ServerException.BadRequest($"n must be in [1, {maxChoices}], got {n}", "n");
        return n;
    }
}
