using InferenceServer.Backends.Cpu;
using Prometheus;

namespace InferenceServer.Server.Metrics;

/// <summary>
/// <c>inference_server_cpu_kernel_path_info</c>: which instruction-set path the CPU backend runs (an info-style
/// gauge at 1, labelled path, instructions and threads), so a fleet of mixed CPUs shows which node runs what.
/// </summary>
public static class CpuPathInfo
{
    public const string Name = "inference_server_cpu_kernel_path_info";

    public static void Register(CollectorRegistry registry, CpuBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var gauge = Prometheus.Metrics.WithCustomRegistry(registry)
            .CreateGauge(Name, "The CPU kernels' instruction-set path (1 for the path in use).", "path", "instructions", "threads");
        gauge.WithLabels(backend.Isa.ToString().ToLowerInvariant(), backend.Instructions, backend.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set(1);
    }
}
