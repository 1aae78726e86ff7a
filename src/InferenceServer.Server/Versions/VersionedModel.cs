using InferenceServer.Server.Serving;
using InferenceServer.Versions.Repository;

namespace InferenceServer.Server.Versions;

/// <summary>A repository model with an engine loaded for every version its routing names; disposing releases them.</summary>
public sealed record VersionedModel(RepositoryModel Repository, IReadOnlyDictionary<string, ServedModel> Versions) : IDisposable
{
    public void Dispose()
    {
        foreach (var v in Versions.Values) v.Dispose();
    }
}
