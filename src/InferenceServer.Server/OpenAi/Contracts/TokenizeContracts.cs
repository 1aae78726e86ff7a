using System.Text.Json;

namespace InferenceServer.Server.OpenAi.Contracts;

/// <summary>vLLM's <c>POST /tokenize</c> body: a prompt, or chat messages rendered with the chat template.</summary>
public sealed class TokenizeRequest
{
    public string? Model { get; set; }
    public string? Prompt { get; set; }
    public JsonElement? Messages { get; set; }
    public bool? AddSpecialTokens { get; set; }
}

/// <summary>vLLM's tokenize answer.</summary>
public sealed record TokenizeResponse(int Count, int MaxModelLen, IReadOnlyList<int> Tokens);

/// <summary>vLLM's <c>POST /detokenize</c> body.</summary>
public sealed class DetokenizeRequest
{
    public string? Model { get; set; }
    public IReadOnlyList<int>? Tokens { get; set; }
}

/// <summary>vLLM's detokenize answer.</summary>
public sealed record DetokenizeResponse(string Prompt);
