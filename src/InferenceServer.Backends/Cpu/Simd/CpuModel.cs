namespace InferenceServer.Backends.Cpu.Simd;

/// <summary>The processor's name as the OS reports it (Linux: /proc/cpuinfo), for benchmark output and logs.</summary>
public static class CpuModel
{
    public static string Name { get; } = Read();

    private static string Read()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                // x86: "model name"; ARM64 kernels print no model name, only "CPU part".
                if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is int i and > 0)
                    return line[(i + 1)..].Trim();
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return $"{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture} CPU";
    }
}
