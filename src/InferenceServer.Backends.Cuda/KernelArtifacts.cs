namespace InferenceServer.Backends.Cuda;

/// <summary>
/// The build outputs of kernels/ copied beside this assembly (kernels/kernels.fatbin, kernels/libkernels_emu.so,
/// kernels/ptxas.log), and why one is missing when scripts/build-kernels.sh skipped it.
/// </summary>
public static class KernelArtifacts
{
    /// <summary>Folder holding the artifacts.</summary>
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "kernels");

    /// <summary>The fatbin for sm_80-sm_90 plus compute_90 PTX.</summary>
    public static string Fatbin => Path.Combine(Directory, "kernels.fatbin");

    /// <summary>ptxas -v output of the fatbin build: registers, shared memory and spills per kernel and arch.</summary>
    public static string PtxasLog => Path.Combine(Directory, "ptxas.log");

    /// <summary>The CPU emulation of the kernels.</summary>
    public static string EmulationLibrary => Path.Combine(Directory, "libkernels_emu.so");

    /// <summary>Null when <paramref name="artifact"/> exists, else why not (the build script's reason when it skipped).</summary>
    public static string? MissingReason(string artifact, string mode)
    {
        if (File.Exists(artifact)) return null;
        string skipped = Path.Combine(Directory, mode + ".skipped");
        return File.Exists(skipped)
            ? $"{Path.GetFileName(artifact)} was not built: {File.ReadAllText(skipped).Trim()}"
            : $"{artifact} not found (kernels are built by scripts/build-kernels.sh on Linux)";
    }
}
