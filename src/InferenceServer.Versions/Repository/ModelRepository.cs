using System.Text.RegularExpressions;
using InferenceServer.Core.Errors;
using InferenceServer.Models.Manifests;
using InferenceServer.Versions.Config;

namespace InferenceServer.Versions.Repository;

/// <summary>
/// The models folder: one subfolder per model name holding its version manifests (<c>&lt;version&gt;.json</c>)
/// and an optional <c>routing.json</c>. A model without a routing file routes everything to its only version
/// (or, with several, to the one the caller names as default).
/// </summary>
public sealed partial class ModelRepository
{
    public const string RoutingFileName = "routing.json";

    private ModelRepository(string root, IReadOnlyDictionary<string, RepositoryModel> models)
    {
        Root = root;
        Models = models;
    }

    /// <summary>The folder that was read.</summary>
    public string Root { get; }

    /// <summary>Models by name.</summary>
    public IReadOnlyDictionary<string, RepositoryModel> Models { get; }

    /// <summary>Reads every model folder under <paramref name="root"/>; errors name the file and the problem.</summary>
    public static ModelRepository Load(string root)
    {
        if (!Directory.Exists(root)) throw new ModelLoadException(root, "models folder not found");
        var models = new Dictionary<string, RepositoryModel>(StringComparer.Ordinal);
        foreach (var folder in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            var manifests = Directory.GetFiles(folder, "*.json")
                .Where(f => !string.Equals(Path.GetFileName(f), RoutingFileName, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(ModelManifest.Load)
                .ToList();
            if (manifests.Count == 0) continue;
            string name = Path.GetFileName(folder);
            foreach (var m in manifests) CheckPlace(m, name);
            var versions = manifests.ToDictionary(m => m.Version, StringComparer.Ordinal);
            string routingPath = Path.Combine(folder, RoutingFileName);
            RoutingConfig routing = File.Exists(routingPath)
                ? RoutingConfigReader.Read(routingPath, name, versions.Keys)
                : versions.Count == 1
                    ? new RoutingConfig { Model = name, Stable = versions.Keys.Single() }
                    : throw new ModelLoadException(folder, $"model '{name}' has {versions.Count} versions ({string.Join(", ", versions.Keys.Order())}) but no {RoutingFileName} saying which is stable");
            models[name] = new RepositoryModel(name, versions, routing, File.Exists(routingPath) ? routingPath : null);
        }
        return new ModelRepository(Path.GetFullPath(root), models);
    }

    /// <summary>Where version <paramref name="version"/> of <paramref name="model"/> has its manifest under <paramref name="root"/>.</summary>
    public static string ManifestPath(string root, string model, string version)
    {
        // Labels become file names: anything else (a path separator, "..") could read outside the folder.
        if (!SafeLabel().IsMatch(model)) throw new ArgumentException($"'{model}' is not a model name (letters, digits, '.', '_', '-')");
        if (!SafeLabel().IsMatch(version)) throw new ArgumentException($"'{version}' is not a version label (letters, digits, '.', '_', '-')");
        return Path.Combine(root, model, version + ".json");
    }

    /// <summary>Whether <paramref name="model"/> can name a model folder (letters, digits, '.', '_', '-'; no path).</summary>
    public static bool IsModelName(string model) => SafeLabel().IsMatch(model);

    /// <summary>Reads one version's manifest (a version added after start, say), with the checks <see cref="Load"/> makes.</summary>
    public static ModelManifest ReadVersion(string root, string model, string version)
    {
        var manifest = ModelManifest.Load(ManifestPath(root, model, version));
        CheckPlace(manifest, model);
        return manifest;
    }

    /// <summary>A manifest must sit in its model's folder under its version's name, so a label always finds one file.</summary>
    private static void CheckPlace(ModelManifest m, string folderName)
    {
        if (m.Name != folderName) throw new ModelLoadException(m.ManifestPath, $"manifest names model '{m.Name}' but sits in the folder of '{folderName}'");
        if (Path.GetFileNameWithoutExtension(m.ManifestPath) != m.Version)
            throw new ModelLoadException(m.ManifestPath, $"manifest says version '{m.Version}' but the file is named {Path.GetFileName(m.ManifestPath)}");
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex SafeLabel();
}

/// <summary>One model of the repository: its versions' manifests and its routing.</summary>
public sealed record RepositoryModel(string Name, IReadOnlyDictionary<string, ModelManifest> Versions, RoutingConfig Routing, string? RoutingPath);
