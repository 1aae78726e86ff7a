using InferenceServer.Models.Adapters;
using InferenceServer.TestSupport;

namespace InferenceServer.Server.Tests.Lora;

/// <summary>Random PEFT adapters for the test model, written into a temporary adapter directory.</summary>
public sealed class LoraFiles : IDisposable
{
    private readonly TempDirectory _root = new();

    /// <summary>The directory the server may load adapters from (--lora-dirs).</summary>
    public string Root => _root.Path;

    /// <summary>Writes an adapter folder <paramref name="name"/> under <see cref="Root"/> (seeded by the name) and returns its path.</summary>
    public string Write(string name, int rank = 8)
    {
        string folder = _root.File(name);
        // A large enough magnitude that greedy text visibly departs from the base model's.
        RandomLoraAdapterWriter.Write(Reference.Model.Model.Config, folder, rank, [.. LoraTargets.All], seed: StableSeed(name), alpha: 16, magnitude: 0.15f);
        return folder;
    }

    /// <summary>"name=path" for --lora-modules.</summary>
    public string Module(string name) => $"{name}={Write(name)}";

    private static int StableSeed(string name) => name.Aggregate(17, (h, c) => h * 31 + c);

    public void Dispose() => _root.Dispose();
}
