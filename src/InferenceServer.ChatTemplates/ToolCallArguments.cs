using System.Text.Json;
using InferenceServer.ChatTemplates.Jinja.Json;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates;

/// <summary>
/// OpenAI clients send tool-call arguments as a JSON string, but templates expect an object (they <c>tojson</c> it or
/// iterate its items). As vLLM does, string arguments of assistant tool calls are parsed, and empty ones become {}.
/// </summary>
internal static class ToolCallArguments
{
    public static void Normalize(JinjaList messages)
    {
        for (int i = 0; i < messages.Count; i++)
        {
            if (messages.Items[i] is not JinjaDict message) continue;
            if (!message.TryGet("role", out var role) || role is not "assistant") continue;
            if (!message.TryGet("tool_calls", out var calls) || calls is not JinjaList list) continue;
            for (int j = 0; j < list.Count; j++)
            {
                if (list.Items[j] is not JinjaDict call || !call.TryGet("function", out var f) || f is not JinjaDict function) continue;
                function.TryGet("arguments", out var arguments);
                function.Set("arguments", Parse(arguments, $"messages[{i}].tool_calls[{j}].function.arguments"));
            }
        }
    }

    private static object? Parse(object? arguments, string where)
    {
        if (arguments is JinjaDict { Count: > 0 } or JinjaList { Count: > 0 }) return arguments;
        if (arguments is not string { Length: > 0 } text) return new JinjaDict();
        try
        {
            using var doc = JsonDocument.Parse(text);
            return JsonValues.FromJson(doc.RootElement);
        }
        catch (JsonException e)
        {
            throw new ChatRequestException($"{where} is not valid JSON: {e.Message}", e);
        }
    }
}
