using System.Buffers.Binary;
using System.Text;
using InferenceServer.Core.Errors;

namespace InferenceServer.Models.Gguf;

/// <summary>
/// Bounds-checked little-endian reader over the mapped bytes of a GGUF header; every read past the end
/// becomes a <see cref="ModelLoadException"/> saying the file is truncated, so corrupt files never crash.
/// </summary>
internal sealed unsafe class GgufHeaderReader
{
    private readonly byte* _data;
    private readonly long _length;
    private readonly string _path;

    public GgufHeaderReader(byte* data, long length, string path)
    {
        _data = data;
        _length = length;
        _path = path;
    }

    public long Position { get; private set; }

    private ReadOnlySpan<byte> Take(long count, string what)
    {
        if (count < 0 || count > _length - Position || count > int.MaxValue)
            throw new ModelLoadException(_path,
                $"truncated or corrupt GGUF header: {what} needs {count} bytes at offset {Position} but the file is {_length} bytes");
        var span = new ReadOnlySpan<byte>(_data + Position, (int)count);
        Position += count;
        return span;
    }

    public uint ReadUInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));
    public ulong ReadUInt64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what));

    /// <summary>A count that must be satisfiable by the remaining bytes (each item at least <paramref name="minItemBytes"/>).</summary>
    public long ReadCount(string what, int minItemBytes)
    {
        ulong n = ReadUInt64(what);
        if (n > (ulong)((_length - Position) / Math.Max(minItemBytes, 1)))
            throw new ModelLoadException(_path, $"corrupt GGUF header: {what} is {n}, more than the remaining {_length - Position} bytes can hold");
        return (long)n;
    }

    public string ReadString(string what)
    {
        long n = ReadCount(what + " length", 1);
        return Encoding.UTF8.GetString(Take(n, what));
    }

    public object ReadValue(GgufValueType type, string key)
    {
        switch (type)
        {
            case GgufValueType.UInt8: return Take(1, key)[0];
            case GgufValueType.Int8: return (sbyte)Take(1, key)[0];
            case GgufValueType.UInt16: return BinaryPrimitives.ReadUInt16LittleEndian(Take(2, key));
            case GgufValueType.Int16: return BinaryPrimitives.ReadInt16LittleEndian(Take(2, key));
            case GgufValueType.UInt32: return BinaryPrimitives.ReadUInt32LittleEndian(Take(4, key));
            case GgufValueType.Int32: return BinaryPrimitives.ReadInt32LittleEndian(Take(4, key));
            case GgufValueType.Float32: return BinaryPrimitives.ReadSingleLittleEndian(Take(4, key));
            case GgufValueType.Bool: return Take(1, key)[0] != 0;
            case GgufValueType.String: return ReadString(key);
            case GgufValueType.UInt64: return BinaryPrimitives.ReadUInt64LittleEndian(Take(8, key));
            case GgufValueType.Int64: return BinaryPrimitives.ReadInt64LittleEndian(Take(8, key));
            case GgufValueType.Float64: return BinaryPrimitives.ReadDoubleLittleEndian(Take(8, key));
            case GgufValueType.Array: return ReadArray(key);
            default: throw new ModelLoadException(_path, $"corrupt GGUF header: metadata '{key}' has unknown value type {(uint)type}");
        }
    }

    private object ReadArray(string key)
    {
        var elementType = (GgufValueType)ReadUInt32($"element type of array '{key}'");
        int minBytes = elementType switch
        {
            GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
            GgufValueType.UInt16 or GgufValueType.Int16 => 2,
            GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
            GgufValueType.String or GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 => 8,
            GgufValueType.Array => 12,
            _ => throw new ModelLoadException(_path, $"corrupt GGUF header: metadata '{key}' is an array of unknown type {(uint)elementType}"),
        };
        long n = ReadCount($"length of array '{key}'", minBytes);
        int count = checked((int)n);
        switch (elementType)
        {
            case GgufValueType.UInt8: return Take(n, key).ToArray();
            case GgufValueType.Int8: return ReadPlain<sbyte>(count, 1, key);
            case GgufValueType.UInt16: return ReadPlain<ushort>(count, 2, key);
            case GgufValueType.Int16: return ReadPlain<short>(count, 2, key);
            case GgufValueType.UInt32: return ReadPlain<uint>(count, 4, key);
            case GgufValueType.Int32: return ReadPlain<int>(count, 4, key);
            case GgufValueType.Float32: return ReadPlain<float>(count, 4, key);
            case GgufValueType.UInt64: return ReadPlain<ulong>(count, 8, key);
            case GgufValueType.Int64: return ReadPlain<long>(count, 8, key);
            case GgufValueType.Float64: return ReadPlain<double>(count, 8, key);
            case GgufValueType.Bool:
            {
                var bytes = Take(n, key);
                var result = new bool[count];
                for (int i = 0; i < count; i++) result[i] = bytes[i] != 0;
                return result;
            }
            case GgufValueType.String:
            {
                var result = new string[count];
                for (int i = 0; i < count; i++) result[i] = ReadString(key);
                return result;
            }
            default:
            {
                var result = new object[count];
                for (int i = 0; i < count; i++) result[i] = ReadArray(key);
                return result;
            }
        }
    }

    // GGUF is little-endian like every machine .NET runs this server on, so plain arrays are a byte copy.
    private T[] ReadPlain<T>(int count, int size, string key) where T : unmanaged
    {
        var bytes = Take((long)count * size, key);
        var result = new T[count];
        bytes.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(result.AsSpan()));
        return result;
    }
}
