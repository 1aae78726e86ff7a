using System.Text.Json;
using InferenceServer.Server.Errors;
using InferenceServer.Server.OpenAi.Contracts;

namespace InferenceServer.Server.OpenAi.Requests;

/// <summary>Reads a JSON request body; malformed JSON and wrong field types become 400s naming the field.</summary>
public static class RequestBodyReader
{
    /// <summary>Parses the body as a JSON object (the body size limit applies while reading).</summary>
    public static async Task<JsonDocument> ReadObjectAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonDocument doc;
        try
        {
            doc = await JsonDocument.ParseAsync(request.Body, default, request.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw ServerException.BadRequest($"The request body is not valid JSON: {e.Message}");
        }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            throw ServerException.BadRequest("The request body must be a JSON object.");
        }
        if (FirstUndecodableString(doc.RootElement) is { } where)
        {
            doc.Dispose();
            throw ServerException.BadRequest($"The request body is not valid JSON: {where} holds invalid UTF-8 or an unpaired surrogate escape (such as \\ud800).");
        }
        return doc;
    }

    /// <summary>
    /// The JSON path of the first string or property name that cannot become a .NET string, or null. The parser
    /// accepts such bytes and escapes; reading them later throws deep inside binding and templating, so they are
    /// refused here, once, as a 400.
    /// </summary>
    private static string? FirstUndecodableString(JsonElement element, string path = "$")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Decodes(element) ? null : path;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return path + " (a property name)";
                    }
                    if (FirstUndecodableString(property.Value, $"{path}.{name}") is { } found) return found;
                }
                return null;
            case JsonValueKind.Array:
                int i = 0;
                foreach (var item in element.EnumerateArray())
                    if (FirstUndecodableString(item, $"{path}[{i++}]") is { } found) return found;
                return null;
            default:
                return null;
        }
    }

    private static bool Decodes(JsonElement s)
    {
        try
        {
            _ = s.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Binds the body to <typeparamref name="T"/>; a field of the wrong type is a 400 naming it.</summary>
    public static T Bind<T>(JsonElement body) where T : class
    {
        try
        {
            return body.Deserialize<T>(OpenAiJson.Options) ?? throw ServerException.BadRequest("The request body must be a JSON object.");
        }
        catch (JsonException e)
        {
            string? field = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
            string detail = e.Message.Contains("could not be converted", StringComparison.Ordinal) ? "has the wrong type" : e.Message;
            throw ServerException.BadRequest(field is null ? $"Invalid request body: {detail}" : $"Invalid value for '{field}': {detail}.", field);
        }
    }
}
