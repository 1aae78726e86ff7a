using System.Text.RegularExpressions;
using InferenceServer.Backends.Cuda;
using InferenceServer.Cuda.Tests.Support;

namespace InferenceServer.Cuda.Tests.Toolchain;

/// <summary>
/// The compile gate: the build compiled every kernel with nvcc for sm_80-sm_90 plus PTX with warnings as errors, no
/// kernel spills, the emulation has the same kernels, docs/kernels.md lists them, and the gate really rejects warnings.
/// </summary>
[Trait("Category", "CudaToolchain")]
public sealed partial class KernelCompileGateTests
{
    [NeedsFact(Needs.Fatbin)]
    public void Fatbin_holds_cubins_for_sm80_to_sm90_and_compute_90_ptx()
    {
        string cuobjdump = Support.Toolchain.Find("cuobjdump") ?? throw new InvalidOperationException("cuobjdump not found beside nvcc");
        var (exit, listing) = Support.Toolchain.Run(cuobjdump, "--list-elf", "--list-ptx", KernelArtifacts.Fatbin);
        Assert.Equal(0, exit);
        foreach (var arch in new[] { "sm_80", "sm_86", "sm_89", "sm_90" }) Assert.Matches($@"ELF file .*\.{arch}\.cubin", listing);
        Assert.Matches(@"PTX file .*\.sm_90\.ptx", listing);
    }

    [NeedsFact(Needs.Fatbin)]
    public void No_kernel_spills_registers_or_uses_a_stack_frame_on_any_arch()
    {
        string log = File.ReadAllText(KernelArtifacts.PtxasLog);
        var frames = StackFrame().Matches(log);
        Assert.NotEmpty(frames);
        Assert.All(frames, m => Assert.Equal("0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads", m.Value));
    }

    [NeedsFact(Needs.Fatbin)]
    public void Every_fatbin_kernel_is_in_the_emulation_and_documented_in_docs_kernels_md()
    {
        var fatbin = FatbinKernels();
        Assert.NotEmpty(fatbin);
        if (KernelDevices.EmulationSkipReason() == null)
        {
            var emulated = KernelDevices.KernelEmulator.KernelNames.Where(n => !n.StartsWith("test_", StringComparison.Ordinal)).ToHashSet();
            Assert.Equal(fatbin.Order(), emulated.Order());
        }
        string docs = File.ReadAllText(Path.Combine(Support.Toolchain.RepoRoot(), "docs", "kernels.md"));
        Assert.All(fatbin, k => Assert.Contains($"`{k}`", docs, StringComparison.Ordinal));
    }

    [NeedsFact(Needs.Nvcc)]
    public void The_gate_rejects_a_kernel_that_compiles_with_a_warning()
    {
        string dir = Directory.CreateTempSubdirectory("kernel-gate").FullName;
        try
        {
            string source = Path.Combine(dir, "warns.cu");
            File.WriteAllText(source, """
                #include "cuda_compat.cuh"
                extern "C" __global__ void warns(float* out) { int unused = 3; out[threadIdx.x] = 1.0f; }
                """);
            string script = Path.Combine(Support.Toolchain.RepoRoot(), "scripts", "build-kernels.sh");
            var (exit, output) = Support.Toolchain.Run("bash", script, "fatbin", dir, source);
            Assert.NotEqual(0, exit);
            Assert.Contains("unused", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Kernel entry names ptxas compiled (each once per arch).</summary>
    internal static HashSet<string> FatbinKernels()
        => EntryFunction().Matches(File.ReadAllText(KernelArtifacts.PtxasLog)).Select(m => m.Groups[1].Value).ToHashSet();

    [GeneratedRegex(@"Compiling entry function '(\w+)' for 'sm_\d+'")]
    private static partial Regex EntryFunction();

    [GeneratedRegex(@"\d+ bytes stack frame, \d+ bytes spill stores, \d+ bytes spill loads")]
    private static partial Regex StackFrame();
}
