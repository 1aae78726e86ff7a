using System.Text.Json.Serialization;

namespace InferenceServer.Server.OpenAi.Contracts;

/// <summary>
/// The sampling fields of a <c>POST /v1/chat/completions</c> body; messages, tools and template options are
/// read from the raw body by the chat template.
/// </summary>
public sealed class ChatCompletionRequest : SamplingRequest
{
    public int? MaxCompletionTokens { get; set; }
    public bool? Logprobs { get; set; }
    public int? TopLogprobs { get; set; }

    [JsonIgnore]
    public override int? RequestedMaxTokens => MaxCompletionTokens ?? MaxTokens;

    [JsonIgnore]
    public override int? RequestedLogprobs => Logprobs == true ? TopLogprobs ?? 0 : null;
}
