using System.Text.Json;

namespace InferenceServer.Models.Config;

/// <summary>
/// Where a JSON file stopped parsing, without the parser's message: that message quotes the offending bytes, and an
/// error about a file the server was pointed at must not echo its contents (an adapter path may be hostile).
/// </summary>
public static class JsonErrorLocation
{
    /// <summary>"line L, byte B" (1-based) of the failure.</summary>
    public static string Of(JsonException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return $"line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}";
    }
}
