using System.Text.Json;
using InferenceServer.Server.Errors;
using InferenceServer.Tokenization;

namespace InferenceServer.Server.OpenAi.Requests;

/// <summary>OpenAI's completions <c>prompt</c>: a string, strings, token ids, or lists of token ids; each becomes one prompt.</summary>
public static class CompletionPrompts
{
    public static IReadOnlyList<int[]> Read(JsonElement prompt, ITextTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        switch (prompt.ValueKind)
        {
            case JsonValueKind.String:
                return [tokenizer.Encode(prompt.GetString()!)];
            case JsonValueKind.Array when prompt.GetArrayLength() == 0:
                throw Invalid("must not be empty");
            case JsonValueKind.Array when prompt[0].ValueKind == JsonValueKind.Number:
                return [Ids(prompt)];
            case JsonValueKind.Array:
                return prompt.EnumerateArray().Select(p => p.ValueKind switch
                {
                    JsonValueKind.String => tokenizer.Encode(p.GetString()!),
                    JsonValueKind.Array => Ids(p),
                    _ => throw Invalid("must be a string, an array of strings, an array of token ids, or an array of such arrays"),
                }).ToList();
            case JsonValueKind.Undefined or JsonValueKind.Null:
                throw Invalid("is required");
            default:
                throw Invalid("must be a string, an array of strings, an array of token ids, or an array of such arrays");
        }
    }

    private static int[] Ids(JsonElement array)
    {
        var ids = new int[array.GetArrayLength()];
        int i = 0;
        foreach (var e in array.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out ids[i++])) throw Invalid("token ids must be integers");
        }
        return ids;
    }

    private static ServerException Invalid(string problem) => ServerException.BadRequest("'prompt' " + problem + ".", "prompt");
}
