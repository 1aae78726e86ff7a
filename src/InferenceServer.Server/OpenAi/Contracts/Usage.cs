using InferenceServer.Server.Sessions;

namespace InferenceServer.Server.OpenAi.Contracts;

/// <summary>OpenAI's usage object, with the prompt tokens served from the prefix cache.</summary>
public sealed record Usage(int PromptTokens, int CompletionTokens, int TotalTokens, PromptTokensDetails PromptTokensDetails)
{
    /// <summary>Sums the choices' final counts; a prompt shared by n choices counts once, as OpenAI counts it.</summary>
    public static Usage Of(IEnumerable<ChoiceOutput> finals)
    {
        ArgumentNullException.ThrowIfNull(finals);
        int completion = 0;
        var prompts = new Dictionary<int, (int Tokens, int Cached)>();
        foreach (var f in finals)
        {
            var u = f.Output.Usage;
            completion += u.CompletionTokens;
            prompts[f.PromptIndex] = prompts.TryGetValue(f.PromptIndex, out var p)
                ? (p.Tokens, Math.Max(p.Cached, u.CachedPromptTokens))
                : (u.PromptTokens, u.CachedPromptTokens);
        }
        int prompt = prompts.Values.Sum(p => p.Tokens), cached = prompts.Values.Sum(p => p.Cached);
        return new Usage(prompt, completion, prompt + completion, new PromptTokensDetails(cached));
    }
}

/// <summary>OpenAI's prompt_tokens_details.</summary>
public sealed record PromptTokensDetails(int CachedTokens);
