using System.Buffers.Binary;
using System.Text.Json;
using InferenceServer.Core.Tensors;
using InferenceServer.Models.IO;

namespace InferenceServer.Models.Safetensors;

/// <summary>
/// Writes .safetensors files (F32, F16, BF16). Tensor bytes may be given up front or streamed during
/// <see cref="Write"/>, so multi-gigabyte models never sit in managed memory.
/// </summary>
public sealed class SafetensorsWriter
{
    private readonly List<PendingTensor> _tensors = [];
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);

    private sealed record PendingTensor(string Name, TensorDType DType, long[] Shape, long ByteLength, Action<Stream> WriteData);

    /// <summary>Adds an entry to <c>__metadata__</c> (e.g. an alias: tensor name to the stored tensor's name).</summary>
    public void AddMetadata(string key, string value) => _metadata[key] = value;

    /// <summary>Adds a tensor whose bytes (in <paramref name="dtype"/> layout) are copied now.</summary>
    public void Add(string name, TensorDType dtype, long[] shape, ReadOnlySpan<byte> data)
    {
        long expected = ByteLength(dtype, shape);
        if (data.Length != expected)
            throw new ArgumentException($"tensor '{name}': {data.Length} bytes given, {dtype} [{string.Join(", ", shape)}] needs {expected}", nameof(data));
        byte[] copy = data.ToArray();
        Add(name, dtype, shape, s => s.Write(copy));
    }

    /// <summary>Adds a tensor whose bytes <paramref name="writeData"/> streams out during <see cref="Write"/>.</summary>
    public void Add(string name, TensorDType dtype, long[] shape, Action<Stream> writeData)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        SafetensorsDTypes.ToName(dtype);
        if (name == "__metadata__" || _tensors.Exists(t => t.Name == name))
            throw new ArgumentException($"tensor name '{name}' is reserved or already added", nameof(name));
        _tensors.Add(new PendingTensor(name, dtype, (long[])shape.Clone(), ByteLength(dtype, shape), writeData));
    }

    private static long ByteLength(TensorDType dtype, long[] shape)
    {
        long n = dtype.BlockBytes();
        foreach (long d in shape) n = checked(n * d);
        return n;
    }

    public void Write(string path)
    {
        using var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (_metadata.Count > 0)
            {
                json.WriteStartObject("__metadata__");
                foreach (var (k, v) in _metadata) json.WriteString(k, v);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in _tensors)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", SafetensorsDTypes.ToName(t.DType));
                json.WriteStartArray("shape");
                foreach (long d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + t.ByteLength);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += t.ByteLength;
            }
            json.WriteEndObject();
        }
        // Pad the header with spaces (as the reference writer does) so tensor data starts 8-byte aligned.
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');

        AtomicFile.Write(path, stream => WriteTo(stream, header));
    }

    private void WriteTo(Stream stream, MemoryStream header)
    {
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        header.Position = 0;
        header.CopyTo(stream);
        foreach (var t in _tensors)
        {
            long start = stream.Position;
            t.WriteData(stream);
            if (stream.Position - start != t.ByteLength)
                throw new InvalidOperationException($"tensor '{t.Name}': wrote {stream.Position - start} bytes, expected {t.ByteLength}");
        }
    }
}
