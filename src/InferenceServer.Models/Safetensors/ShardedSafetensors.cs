using System.Text.Json;
using InferenceServer.Core.Errors;
using InferenceServer.Models.Weights;

namespace InferenceServer.Models.Safetensors;

/// <summary>A model split over several .safetensors files, described by a model.safetensors.index.json weight_map.</summary>
public sealed class ShardedSafetensors : IWeightSource
{
    private readonly Dictionary<string, SafetensorsFile> _byTensor;
    private readonly List<SafetensorsFile> _shards;

    private ShardedSafetensors(string indexPath, Dictionary<string, SafetensorsFile> byTensor, List<SafetensorsFile> shards)
    {
        SourcePath = indexPath;
        _byTensor = byTensor;
        _shards = shards;
    }

    /// <summary>The index file.</summary>
    public string SourcePath { get; }

    /// <summary>The opened shard files.</summary>
    public IReadOnlyList<SafetensorsFile> Shards => _shards;

    public IEnumerable<string> Names =>
        _byTensor.Keys.Concat(_shards.SelectMany(s => s.Aliases.Keys).Where(a => !_byTensor.ContainsKey(a))).Distinct();

    /// <summary>Opens the index and every shard it names; checks each mapped tensor is in its shard.</summary>
    public static ShardedSafetensors Open(string indexPath)
    {
        if (!File.Exists(indexPath)) throw new ModelLoadException(indexPath, "file not found");
        Dictionary<string, string> weightMap = ReadWeightMap(indexPath);
        string folder = Path.GetDirectoryName(Path.GetFullPath(indexPath))!;
        var shardsByFile = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        var byTensor = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        try
        {
            foreach (var (tensor, shardName) in weightMap)
            {
                if (!shardsByFile.TryGetValue(shardName, out var shard))
                {
                    string shardPath = Path.Combine(folder, shardName);
                    if (!File.Exists(shardPath))
                        throw new ModelLoadException(indexPath, $"shard '{shardName}' (holding tensor '{tensor}') not found at {shardPath}");
                    shard = SafetensorsFile.Open(shardPath);
                    shardsByFile.Add(shardName, shard);
                }
                if (!shard.Contains(tensor))
                    throw new ModelLoadException(indexPath, $"weight_map puts tensor '{tensor}' in '{shardName}', but that shard does not contain it");
                byTensor[tensor] = shard;
            }
        }
        catch
        {
            foreach (var s in shardsByFile.Values) s.Dispose();
            throw;
        }
        return new ShardedSafetensors(indexPath, byTensor, [.. shardsByFile.Values]);
    }

    private static Dictionary<string, string> ReadWeightMap(string indexPath)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new ModelLoadException(indexPath, "missing \"weight_map\" object");
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in map.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(p.Value.GetString()))
                    throw new ModelLoadException(indexPath, $"weight_map entry '{p.Name}' is not a file name");
                result[p.Name] = p.Value.GetString()!;
            }
            if (result.Count == 0) throw new ModelLoadException(indexPath, "weight_map is empty");
            return result;
        }
        catch (JsonException e)
        {
            throw new ModelLoadException(indexPath, $"not valid JSON: {e.Message}", e);
        }
    }

    public bool TryGet(string name, out WeightTensor tensor)
    {
        if (_byTensor.TryGetValue(name, out var shard)) return shard.TryGet(name, out tensor);
        foreach (var s in _shards)
            if (s.Aliases.ContainsKey(name)) return s.TryGet(name, out tensor);
        tensor = null!;
        return false;
    }

    public void Dispose()
    {
        foreach (var s in _shards) s.Dispose();
    }
}
