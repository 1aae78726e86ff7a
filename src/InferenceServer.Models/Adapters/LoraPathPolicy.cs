using InferenceServer.Core.Errors;

namespace InferenceServer.Models.Adapters;

/// <summary>
/// Confines runtime adapter loads to configured directories: a path is resolved to its real location
/// (".." segments and symbolic links followed) and must lie inside one of the roots; anything else is refused.
/// </summary>
public sealed class LoraPathPolicy
{
    private readonly string[] _roots;

    public LoraPathPolicy(IEnumerable<string> allowedRoots)
    {
        ArgumentNullException.ThrowIfNull(allowedRoots);
        _roots = [.. allowedRoots.Select(r => WithSeparator(RealPath(r)))];
    }

    /// <summary>The allowed roots, resolved.</summary>
    public IReadOnlyList<string> Roots => _roots;

    /// <summary>The real path of <paramref name="path"/> when it lies inside an allowed root; otherwise throws.</summary>
    public string Resolve(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (_roots.Length == 0) throw new InferenceServerException("loading LoRA adapters at run time is disabled: no allowed adapter directories are configured");
        string real = RealPath(path);
        foreach (var root in _roots)
            if (WithSeparator(real).StartsWith(root, StringComparison.Ordinal)) return real;
        throw new InferenceServerException($"LoRA adapter path '{path}' is outside the allowed adapter directories");
    }

    /// <summary>Absolute path with every symbolic link along it replaced by its target.</summary>
    private static string RealPath(string path)
    {
        string full = Path.GetFullPath(path);
        string root = Path.GetPathRoot(full)!;
        string current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.Exists && info.LinkTarget != null)
                current = Path.GetFullPath(info.ResolveLinkTarget(returnFinalTarget: true)!.FullName);
        }
        return current;
    }

    private static string WithSeparator(string path) => path.EndsWith(Path.DirectorySeparatorChar) ? path : path + Path.DirectorySeparatorChar;
}
