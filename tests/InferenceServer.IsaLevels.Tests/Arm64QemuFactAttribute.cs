namespace InferenceServer.IsaLevels.Tests;

/// <summary>A fact that needs qemu-user and the arm64 C runtime (scripts/install-arm64-tools.sh), skipped with the reason where they are missing.</summary>
public sealed class Arm64QemuFactAttribute : FactAttribute
{
    public Arm64QemuFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
            Skip = "the ARM64 check runs the linux-arm64 build under qemu on x86-64 Linux only";
        else if (!Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(d => File.Exists(Path.Combine(d, "qemu-aarch64-static"))))
            Skip = "qemu-aarch64-static not installed (run scripts/install-arm64-tools.sh)";
        else if (!File.Exists("/usr/lib/aarch64-linux-gnu/libc.so.6"))
            Skip = "the arm64 C runtime (libc6:arm64) is not installed (run scripts/install-arm64-tools.sh)";
    }
}
