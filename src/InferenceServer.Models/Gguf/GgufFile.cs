using InferenceServer.Core.Errors;
using InferenceServer.Core.Tensors;
using InferenceServer.Models.Weights;

namespace InferenceServer.Models.Gguf;

/// <summary>
/// A memory-mapped GGUF (v2 or v3) file: its metadata as CLR values and its tensors under their GGUF names,
/// shaped in Hugging Face order. Tensor bytes are never copied; they point into the mapping.
/// </summary>
public sealed unsafe partial class GgufFile : IWeightSource
{
    /// <summary>Data alignment when the file does not set general.alignment.</summary>
    public const int DefaultAlignment = 32;

    private static ReadOnlySpan<byte> Magic => "GGUF"u8;

    private readonly MappedFile _file;
    private readonly Dictionary<string, GgufTensorInfo> _tensorsByName;

    private GgufFile(MappedFile file, int version, int alignment, Dictionary<string, object> metadata, List<GgufTensorInfo> tensors)
    {
        _file = file;
        Version = version;
        Alignment = alignment;
        Metadata = metadata;
        Tensors = tensors;
        _tensorsByName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public string SourcePath => _file.Path;

    /// <summary>GGUF format version (2 or 3).</summary>
    public int Version { get; }

    /// <summary>Alignment of tensor data in bytes (general.alignment, default 32).</summary>
    public int Alignment { get; }

    /// <summary>Metadata values as CLR types (string, bool, the integer and float types, typed arrays, object[] for nested arrays).</summary>
    public IReadOnlyDictionary<string, object> Metadata { get; }

    /// <summary>The tensor table in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    public IEnumerable<string> Names => Tensors.Select(t => t.Name);

    /// <summary>Opens and validates <paramref name="path"/>; any problem is a <see cref="ModelLoadException"/> naming the file.</summary>
    public static GgufFile Open(string path)
    {
        var file = MappedFile.Open(path);
        try
        {
            return Parse(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static GgufFile Parse(MappedFile file)
    {
        string path = file.Path;
        if (file.Length < 4 || !new ReadOnlySpan<byte>(file.Pointer, 4).SequenceEqual(Magic))
        {
            var head = new ReadOnlySpan<byte>(file.Pointer, (int)Math.Min(4, file.Length));
            throw new ModelLoadException(path, $"not a GGUF file: magic is {Describe(head)}, expected \"GGUF\"");
        }
        var r = new GgufHeaderReader(file.Pointer, file.Length, path);
        r.ReadUInt32("magic");
        uint version = r.ReadUInt32("version");
        if (version is not (2 or 3))
        {
            string why = version == 1 ? "GGUF v1 is not supported (re-convert the model)"
                : version == 0x03000000 || version == 0x02000000 ? "big-endian GGUF is not supported"
                : $"unsupported GGUF version {version} (expected 2 or 3)";
            throw new ModelLoadException(path, why);
        }
        // Each tensor entry takes at least 8 (name length) + 4 (n_dims) + 4 (type) + 8 (offset) bytes.
        long tensorCount = r.ReadCount("tensor count", 24);
        long kvCount = r.ReadCount("metadata count", 12);

        var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
        for (long i = 0; i < kvCount; i++)
        {
            string key = r.ReadString("metadata key");
            var type = (GgufValueType)r.ReadUInt32($"type of metadata '{key}'");
            object value = r.ReadValue(type, key);
            if (!metadata.TryAdd(key, value))
                throw new ModelLoadException(path, $"corrupt GGUF header: metadata key '{key}' appears twice");
        }

        int alignment = ReadAlignment(metadata, path);
        var raw = new List<(string Name, uint Type, long[] Dims, ulong Offset)>();
        for (long i = 0; i < tensorCount; i++)
        {
            string name = r.ReadString("tensor name");
            uint nDims = r.ReadUInt32($"dimension count of tensor '{name}'");
            if (nDims is 0 or > 4)
                throw new ModelLoadException(path, $"corrupt GGUF header: tensor '{name}' has {nDims} dimensions (expected 1 to 4)");
            var dims = new long[nDims];
            for (int d = 0; d < nDims; d++)
            {
                ulong ne = r.ReadUInt64($"dimensions of tensor '{name}'");
                // Bounded so that a corrupt header cannot overflow the size arithmetic below.
                if (ne == 0 || ne > 1UL << 40)
                    throw new ModelLoadException(path, $"corrupt GGUF header: tensor '{name}' has dimension {ne}");
                dims[d] = (long)ne;
            }
            uint type = r.ReadUInt32($"type of tensor '{name}'");
            ulong offset = r.ReadUInt64($"offset of tensor '{name}'");
            raw.Add((name, type, dims, offset));
        }

        long dataStart = AlignUp(r.Position, alignment);
        var tensors = new List<GgufTensorInfo>(raw.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, type, dims, offset) in raw)
        {
            if (!seen.Add(name))
                throw new ModelLoadException(path, $"corrupt GGUF header: tensor '{name}' appears twice");
            if (offset % (ulong)alignment != 0)
                throw new ModelLoadException(path, $"corrupt GGUF header: tensor '{name}' offset {offset} is not a multiple of the alignment {alignment}");
            if (offset > (ulong)file.Length)
                throw new ModelLoadException(path, $"truncated or corrupt: tensor '{name}' starts at data offset {offset}, past the end of the {file.Length}-byte file");
            long absolute = dataStart + (long)offset;
            long size = -1;
            if (GgmlTypes.ToDType(type) is TensorDType dtype)
            {
                if (dims[0] % dtype.BlockSize() != 0)
                    throw new ModelLoadException(path,
                        $"tensor '{name}': {dtype} rows must be a multiple of {dtype.BlockSize()} values, but ne[0] is {dims[0]}");
                size = dtype.RowBytes(dims[0]);
                try
                {
                    for (int d = 1; d < dims.Length; d++) size = checked(size * dims[d]);
                }
                catch (OverflowException)
                {
                    throw new ModelLoadException(path, $"corrupt GGUF header: tensor '{name}' dimensions [{string.Join(", ", dims)}] are too large");
                }
                if (size > file.Length - absolute)
                    throw new ModelLoadException(path,
                        $"truncated: tensor '{name}' needs {size} bytes from offset {absolute} but the file is only {file.Length} bytes");
            }
            tensors.Add(new GgufTensorInfo(name, type, dims, absolute, size));
        }
        return new GgufFile(file, (int)version, alignment, metadata, tensors);
    }

    private static int ReadAlignment(Dictionary<string, object> metadata, string path)
    {
        if (!metadata.TryGetValue("general.alignment", out var value)) return DefaultAlignment;
        if (!MetadataValues.TryToLong(value, out long a) || a <= 0 || a > 1 << 20 || (a & (a - 1)) != 0)
            throw new ModelLoadException(path, $"invalid general.alignment {value} (must be a power of two)");
        return (int)a;
    }

    internal static long AlignUp(long value, long alignment) => (value + alignment - 1) / alignment * alignment;

    private static string Describe(ReadOnlySpan<byte> head)
    {
        var chars = new char[head.Length];
        for (int i = 0; i < head.Length; i++) chars[i] = head[i] is >= 0x20 and < 0x7f ? (char)head[i] : '.';
        return $"\"{new string(chars)}\" (0x{Convert.ToHexString(head)})";
    }

    /// <summary>The tensor-table entry named <paramref name="name"/>, or null.</summary>
    public GgufTensorInfo? FindTensor(string name) => _tensorsByName.GetValueOrDefault(name);

    /// <summary>
    /// The tensor under its GGUF name, shaped in Hugging Face order; throws <see cref="ModelLoadException"/>
    /// naming the tensor when its type is not one the engine supports.
    /// </summary>
    public bool TryGet(string name, out WeightTensor tensor)
    {
        if (!_tensorsByName.TryGetValue(name, out var info))
        {
            tensor = null!;
            return false;
        }
        if (info.DType is not TensorDType dtype)
            throw new ModelLoadException(SourcePath,
                $"tensor '{name}' has type {GgmlTypes.Describe(info.GgmlType)}, which is not supported (supported: F32, F16, BF16, Q8_0)");
        tensor = new WeightTensor(name, dtype, info.Shape, _file.Pointer + info.Offset, info.ByteLength);
        return true;
    }

    public void Dispose() => _file.Dispose();
}
