using System.Buffers.Binary;
using System.Text.Json;
using InferenceServer.Core.Errors;

namespace InferenceServer.Models.Safetensors;

/// <summary>Parses and validates a safetensors header: 8-byte length, JSON table, offsets and sizes.</summary>
internal static unsafe class SafetensorsHeader
{
    /// <summary>The format's own cap on header size; anything larger is a corrupt length field.</summary>
    private const long MaxHeaderBytes = 100L << 20;

    public static (List<SafetensorsTensorInfo> Tensors, Dictionary<string, string> Metadata) Parse(byte* data, long fileLength, string path)
    {
        if (fileLength < 8)
            throw new ModelLoadException(path, "truncated: too short for the 8-byte safetensors header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(data, 8));
        if (headerLength < 2 || headerLength > (ulong)(fileLength - 8) || headerLength > MaxHeaderBytes)
            throw new ModelLoadException(path, "invalid safetensors header: its length field does not fit the file (truncated or not a safetensors file)");
        long dataStart = 8 + (long)headerLength;
        long dataLength = fileLength - dataStart;

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(new ReadOnlyMemory<byte>(new ReadOnlySpan<byte>(data + 8, (int)headerLength).ToArray()));
        }
        catch (JsonException e)
        {
            throw new ModelLoadException(path, $"safetensors header is not valid JSON ({Config.JsonErrorLocation.Of(e)})", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new ModelLoadException(path, "safetensors header is not a JSON object");
            var tensors = new List<SafetensorsTensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    if (entry.Value.ValueKind == JsonValueKind.Object)
                        foreach (var m in entry.Value.EnumerateObject())
                            if (m.Value.ValueKind == JsonValueKind.String) metadata[m.Name] = m.Value.GetString()!;
                    continue;
                }
                tensors.Add(ParseEntry(entry, dataStart, dataLength, path));
            }
            return (tensors, metadata);
        }
    }

    private static SafetensorsTensorInfo ParseEntry(JsonProperty entry, long dataStart, long dataLength, string path)
    {
        string name = entry.Name;
        ModelLoadException Bad(string problem) => new(path, $"tensor '{name}': {problem}");
        var e = entry.Value;
        if (e.ValueKind != JsonValueKind.Object) throw Bad("header entry is not an object");
        if (!e.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String) throw Bad("missing \"dtype\"");
        string dtype = dt.GetString()!;
        int elementSize = SafetensorsDTypes.ElementSize(dtype) ?? throw Bad($"unknown dtype '{dtype}'");
        if (!e.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array) throw Bad("missing \"shape\"");
        var shape = new long[sh.GetArrayLength()];
        int i = 0;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long n) || n < 0) throw Bad($"invalid shape {sh.GetRawText()}");
            shape[i++] = n;
        }
        if (!e.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw Bad("missing \"data_offsets\" [begin, end]");
        if (!off[0].TryGetInt64(out long begin) || !off[1].TryGetInt64(out long end))
            throw Bad($"invalid data_offsets {off.GetRawText()}");
        if (begin < 0 || end < begin || end > dataLength)
            throw Bad($"data_offsets [{begin}, {end}] are outside the data section ({dataLength} bytes; file truncated or header corrupt)");
        long expected = elementSize;
        try { foreach (long d in shape) expected = checked(expected * d); }
        catch (OverflowException) { throw Bad($"shape {sh.GetRawText()} is too large"); }
        if (end - begin != expected)
            throw Bad($"data_offsets [{begin}, {end}] hold {end - begin} bytes but {dtype} shape [{string.Join(", ", shape)}] needs {expected}");
        return new SafetensorsTensorInfo(name, dtype, shape, dataStart + begin, end - begin);
    }
}
