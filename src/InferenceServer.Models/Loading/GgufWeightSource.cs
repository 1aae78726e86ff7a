using InferenceServer.Models.Config;
using InferenceServer.Models.Gguf;
using InferenceServer.Models.Weights;

namespace InferenceServer.Models.Loading;

/// <summary>
/// A GGUF file seen through Hugging Face tensor names, with q/k rows of Llama/Mistral files put back in
/// Hugging Face order (into aligned native buffers, made on first use and kept until disposed).
/// Tensors without a Hugging Face name keep their GGUF name.
/// </summary>
public sealed class GgufWeightSource : IWeightSource
{
    private readonly GgufFile _file;
    private readonly ModelConfig _config;
    private readonly Dictionary<string, string> _hfToGguf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WeightTensor> _reordered = new(StringComparer.Ordinal);
    private readonly List<NativeBuffer> _buffers = [];
    private readonly Lock _lock = new();

    public GgufWeightSource(GgufFile file, ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(file);
        _file = file;
        _config = config;
        foreach (var t in file.Tensors) _hfToGguf[GgufTensorNames.ToHuggingFace(t.Name) ?? t.Name] = t.Name;
    }

    /// <summary>The underlying file (GGUF names, raw layout, metadata).</summary>
    public GgufFile File => _file;

    public string SourcePath => _file.SourcePath;

    public IEnumerable<string> Names => _hfToGguf.Keys;

    public bool TryGet(string name, out WeightTensor tensor)
    {
        if (!_hfToGguf.TryGetValue(name, out string? ggufName) || !_file.TryGet(ggufName, out var raw))
        {
            tensor = null!;
            return false;
        }
        if (QkPermutation.HeadsFor(name, _config) is not int heads)
        {
            tensor = Rename(raw, name);
            return true;
        }
        lock (_lock)
        {
            if (!_reordered.TryGetValue(name, out tensor!))
            {
                tensor = QkPermutation.Unpermute(raw, name, heads, SourcePath, out var buffer);
                _buffers.Add(buffer);
                _reordered[name] = tensor;
            }
        }
        return true;
    }

    private static unsafe WeightTensor Rename(WeightTensor t, string name) =>
        new(name, t.DType, [.. t.Shape], t.Data, t.ByteLength);

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var b in _buffers) b.Dispose();
            _buffers.Clear();
            _reordered.Clear();
        }
        _file.Dispose();
    }
}
