using System.Text.Json;
using InferenceServer.Server.Errors;

namespace InferenceServer.Server.OpenAi.Requests;

/// <summary>
/// Checks a chat body's shape as OpenAI defines it before the template sees it: a non-empty <c>messages</c> list of
/// objects with a known role and text content (a string, or a list of text parts), <c>tools</c> a list of function
/// tools, <c>response_format</c> an object with a known type. Anything else is a 400 naming the field, where it used
/// to be rendered or ignored.
/// </summary>
public static class ChatRequestValidator
{
    private static readonly HashSet<string> Roles = new(StringComparer.Ordinal) { "system", "developer", "user", "assistant", "tool", "function" };

    public static void Validate(JsonElement body)
    {
        if (!body.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
            throw ServerException.BadRequest("'messages' must be a list of messages.", "messages");
        if (messages.GetArrayLength() == 0) throw ServerException.BadRequest("'messages' must not be empty.", "messages");
        int i = 0;
        foreach (var message in messages.EnumerateArray()) Message(message, i++);
        if (body.TryGetProperty("tools", out var tools) && tools.ValueKind != JsonValueKind.Null) Tools(tools);
        if (body.TryGetProperty("response_format", out var format) && format.ValueKind != JsonValueKind.Null) ResponseFormat(format);
    }

    private static void Message(JsonElement message, int index)
    {
        string where = $"messages[{index}]";
        if (message.ValueKind != JsonValueKind.Object) throw ServerException.BadRequest($"{where} must be an object.", "messages");
        if (!message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
            throw ServerException.BadRequest($"{where} needs a 'role' string.", "messages");
        if (!Roles.Contains(role.GetString()!))
            throw ServerException.BadRequest($"{where}.role must be one of {string.Join(", ", Roles)}.", "messages");
        if (!message.TryGetProperty("content", out var content)) return;
        switch (content.ValueKind)
        {
            case JsonValueKind.String or JsonValueKind.Null:
                return;
            case JsonValueKind.Array:
                int p = 0;
                foreach (var part in content.EnumerateArray()) Part(part, $"{where}.content[{p++}]");
                return;
            default:
                throw ServerException.BadRequest($"{where}.content must be a string or a list of content parts.", "messages");
        }
    }

    private static void Part(JsonElement part, string where)
    {
        if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            throw ServerException.BadRequest($"{where} must be a content part object with a 'type'.", "messages");
        if (type.GetString() != "text")
            throw ServerException.BadRequest($"{where}: content parts of type '{type.GetString()}' are not supported by this text model (only 'text').", "messages");
        if (!part.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
            throw ServerException.BadRequest($"{where} needs a 'text' string.", "messages");
    }

    private static void Tools(JsonElement tools)
    {
        if (tools.ValueKind != JsonValueKind.Array) throw ServerException.BadRequest("'tools' must be a list of tools.", "tools");
        int i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            string where = $"tools[{i++}]";
            if (tool.ValueKind != JsonValueKind.Object || !tool.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "function")
                throw ServerException.BadRequest($"{where} must be an object with type 'function'.", "tools");
            if (!tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
                || !function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString()!.Length == 0)
                throw ServerException.BadRequest($"{where}.function must be an object with a non-empty 'name'.", "tools");
        }
    }

    private static void ResponseFormat(JsonElement format)
    {
        if (format.ValueKind != JsonValueKind.Object || !format.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            throw ServerException.BadRequest("'response_format' must be an object with a 'type'.", "response_format");
        switch (type.GetString())
        {
            case "text":
                return;
            case "json_object" or "json_schema":
                // Refused rather than ignored: a client asking for JSON must not get free text as if it were constrained.
                throw ServerException.BadRequest($"response_format type '{type.GetString()}' (structured outputs) is not supported by this server yet.", "response_format");
            default:
                throw ServerException.BadRequest($"response_format type '{type.GetString()}' is unknown (text, json_object or json_schema).", "response_format");
        }
    }
}
