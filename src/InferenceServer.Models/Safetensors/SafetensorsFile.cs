using InferenceServer.Core.Errors;
using InferenceServer.Core.Tensors;
using InferenceServer.Models.Weights;

namespace InferenceServer.Models.Safetensors;

/// <summary>
/// One memory-mapped .safetensors file. A <c>__metadata__</c> entry whose key is not a tensor but whose value
/// is one is an alias (how tied weights are stored once), and the tensor is found under both names.
/// </summary>
public sealed unsafe class SafetensorsFile : IWeightSource
{
    private readonly MappedFile _file;
    private readonly Dictionary<string, SafetensorsTensorInfo> _tensors;
    private readonly Dictionary<string, string> _aliases;

    private SafetensorsFile(MappedFile file, List<SafetensorsTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        _file = file;
        Tensors = tensors;
        Metadata = metadata;
        _tensors = new Dictionary<string, SafetensorsTensorInfo>(StringComparer.Ordinal);
        foreach (var t in tensors)
            if (!_tensors.TryAdd(t.Name, t)) throw new ModelLoadException(file.Path, $"tensor '{t.Name}' appears twice in the header");
        _aliases = metadata
            .Where(kv => !_tensors.ContainsKey(kv.Key) && _tensors.ContainsKey(kv.Value))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }

    public string SourcePath => _file.Path;

    /// <summary>Tensor entries in header order (aliases not included).</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors { get; }

    /// <summary>The string entries of <c>__metadata__</c>.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Alias name to the name of the tensor stored in the file.</summary>
    public IReadOnlyDictionary<string, string> Aliases => _aliases;

    public IEnumerable<string> Names => Tensors.Select(t => t.Name).Concat(_aliases.Keys);

    /// <summary>Opens and validates <paramref name="path"/>; problems are <see cref="ModelLoadException"/>s naming the file.</summary>
    public static SafetensorsFile Open(string path)
    {
        var file = MappedFile.Open(path);
        try
        {
            var (tensors, metadata) = SafetensorsHeader.Parse(file.Pointer, file.Length, path);
            return new SafetensorsFile(file, tensors, metadata);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Whether <paramref name="name"/> is a tensor or alias of this file (no dtype check).</summary>
    public bool Contains(string name) => _tensors.ContainsKey(name) || _aliases.ContainsKey(name);

    /// <summary>The tensor or alias; throws <see cref="ModelLoadException"/> when its dtype is not F32, F16 or BF16.</summary>
    public bool TryGet(string name, out WeightTensor tensor)
    {
        string stored = _aliases.GetValueOrDefault(name, name);
        if (!_tensors.TryGetValue(stored, out var info))
        {
            tensor = null!;
            return false;
        }
        if (info.DType is not TensorDType dtype)
            throw new ModelLoadException(SourcePath, $"tensor '{stored}' has dtype {info.DTypeName}, which is not supported (supported: F32, F16, BF16)");
        tensor = new WeightTensor(name, dtype, (long[])info.Shape.Clone(), _file.Pointer + info.Offset, info.ByteLength);
        return true;
    }

    public void Dispose() => _file.Dispose();
}
