using System.Text.Json;
using System.Text.Json.Serialization;

namespace InferenceServer.Server.OpenAi.Contracts;

/// <summary>Body of <c>POST /v1/completions</c>.</summary>
public sealed class CompletionRequest : SamplingRequest
{
    /// <summary>A string, an array of strings, an array of token ids, or an array of such arrays.</summary>
    public JsonElement Prompt { get; set; }

    /// <summary>Log-probabilities of this many alternatives per token (0-20).</summary>
    public int? Logprobs { get; set; }

    /// <summary>Prepend the prompt to the returned text.</summary>
    public bool? Echo { get; set; }

    [JsonIgnore]
    public override int? RequestedLogprobs => Logprobs;
}
