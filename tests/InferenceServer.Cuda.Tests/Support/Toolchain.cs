using System.Diagnostics;

namespace InferenceServer.Cuda.Tests.Support;

/// <summary>Finds and runs the tools the kernel build uses (nvcc, cuobjdump, the build script).</summary>
internal static class Toolchain
{
    /// <summary>Full path of <paramref name="tool"/> on PATH or in /usr/local/cuda/bin, or null.</summary>
    public static string? Find(string tool)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/local/cuda/bin");
        return dirs.Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
    }

    /// <summary>Runs a command to completion; returns its exit code and combined output.</summary>
    public static (int ExitCode, string Output) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    /// <summary>The repository root (the folder holding InferenceServer.sln).</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "InferenceServer.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("InferenceServer.sln not found above " + AppContext.BaseDirectory);
    }
}
