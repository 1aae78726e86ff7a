using System.Text;
using InferenceServer.Core.Tensors;
using InferenceServer.Models.IO;

namespace InferenceServer.Models.Gguf;

/// <summary>
/// Writes GGUF v3 files: metadata (the CLR types <see cref="GgufFile"/> reads back) and tensors given in
/// Hugging Face shape order. Tensor bytes may be supplied up front or streamed at write time for big models.
/// </summary>
public sealed class GgufWriter
{
    private readonly List<KeyValuePair<string, object>> _metadata = [];
    private readonly List<PendingTensor> _tensors = [];

    private sealed record PendingTensor(string Name, TensorDType DType, long[] GgmlDims, long ByteLength, Action<Stream> WriteData);

    /// <summary>Adds or replaces a metadata entry; <paramref name="value"/> is a supported scalar, string or array.</summary>
    public void AddMetadata(string key, object value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        GgufValueWriter.TypeOf(value); // reject unsupported types now rather than at Write
        int i = _metadata.FindIndex(kv => kv.Key == key);
        if (i >= 0) _metadata[i] = new(key, value);
        else _metadata.Add(new(key, value));
    }

    /// <summary>Adds a tensor whose bytes (already in <paramref name="dtype"/> layout) are copied now.</summary>
    public void AddTensor(string name, TensorDType dtype, long[] hfShape, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(hfShape);
        if (hfShape.Length > 0 && data.Length != ExpectedBytes(dtype, hfShape))
            throw new ArgumentException($"tensor '{name}': {data.Length} bytes given, {dtype} [{string.Join(", ", hfShape)}] needs {ExpectedBytes(dtype, hfShape)}", nameof(data));
        byte[] copy = data.ToArray();
        AddTensor(name, dtype, hfShape, s => s.Write(copy));
    }

    /// <summary>Adds a tensor whose bytes <paramref name="writeData"/> streams out during <see cref="Write"/> (exactly the tensor's size).</summary>
    public void AddTensor(string name, TensorDType dtype, long[] hfShape, Action<Stream> writeData)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(hfShape);
        if (hfShape.Length is 0 or > 4) throw new ArgumentException("GGUF tensors have 1 to 4 dimensions", nameof(hfShape));
        if (_tensors.Exists(t => t.Name == name)) throw new ArgumentException($"tensor '{name}' added twice", nameof(name));
        var dims = (long[])hfShape.Clone();
        Array.Reverse(dims);
        _tensors.Add(new PendingTensor(name, dtype, dims, ExpectedBytes(dtype, hfShape), writeData));
    }

    private static long ExpectedBytes(TensorDType dtype, long[] hfShape)
    {
        long size = dtype.RowBytes(hfShape[^1]);
        for (int i = 0; i < hfShape.Length - 1; i++) size *= hfShape[i];
        return size;
    }

    /// <summary>Writes the file (GGUF v3; alignment from general.alignment if set, else 32).</summary>
    public void Write(string path)
    {
        int alignment = GgufFile.DefaultAlignment;
        var alignmentEntry = _metadata.Find(kv => kv.Key == "general.alignment");
        if (alignmentEntry.Value is not null && MetadataValues.TryToLong(alignmentEntry.Value, out long a)) alignment = (int)a;

        AtomicFile.Write(path, stream => WriteTo(stream, alignment));
    }

    private void WriteTo(Stream stream, int alignment)
    {
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write("GGUF"u8);
            w.Write(3u);
            w.Write((ulong)_tensors.Count);
            w.Write((ulong)_metadata.Count);
            foreach (var (key, value) in _metadata)
            {
                GgufValueWriter.WriteString(w, key);
                w.Write((uint)GgufValueWriter.TypeOf(value));
                GgufValueWriter.WriteValue(w, value);
            }
            long offset = 0;
            foreach (var t in _tensors)
            {
                GgufValueWriter.WriteString(w, t.Name);
                w.Write((uint)t.GgmlDims.Length);
                foreach (long d in t.GgmlDims) w.Write((ulong)d);
                w.Write(GgmlTypes.FromDType(t.DType));
                w.Write((ulong)offset);
                offset = GgufFile.AlignUp(offset + t.ByteLength, alignment);
            }
            w.Flush();
        }
        Pad(stream, alignment);
        foreach (var t in _tensors)
        {
            long start = stream.Position;
            t.WriteData(stream);
            long written = stream.Position - start;
            if (written != t.ByteLength)
                throw new InvalidOperationException($"tensor '{t.Name}': wrote {written} bytes, expected {t.ByteLength}");
            Pad(stream, alignment);
        }
    }

    private static void Pad(Stream stream, int alignment)
    {
        long pad = GgufFile.AlignUp(stream.Position, alignment) - stream.Position;
        for (long i = 0; i < pad; i++) stream.WriteByte(0);
    }
}
