using System.Collections;
using InferenceServer.Versions.Repository;

namespace InferenceServer.Server.Versions;

/// <summary>
/// The models of a models folder as loaded at start, with the folder (where versions loaded later are read) and
/// the KV-cache budget they share; disposing releases the engines loaded at start.
/// </summary>
public sealed class LoadedRepository(string root, IReadOnlyList<VersionedModel> models, KvBudget budget) : IReadOnlyList<VersionedModel>, IDisposable
{
    /// <summary>The models folder, absolute.</summary>
    public string Root { get; } = root;

    public KvBudget Budget { get; } = budget;

    public VersionedModel this[int index] => models[index];

    public int Count => models.Count;

    public IEnumerator<VersionedModel> GetEnumerator() => models.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        foreach (var m in models) m.Dispose();
    }
}
