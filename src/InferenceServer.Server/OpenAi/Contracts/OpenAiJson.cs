using System.Text.Json;
using System.Text.Json.Serialization;

namespace InferenceServer.Server.OpenAi.Contracts;

/// <summary>JSON settings of the OpenAI wire format: snake_case names, strict number types, nulls written (OpenAI sends them).</summary>
public static class OpenAiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.General)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.Strict,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        PropertyNameCaseInsensitive = false,
    };
}
