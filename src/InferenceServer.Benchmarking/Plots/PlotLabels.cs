using InferenceServer.Benchmarking.Results;

namespace InferenceServer.Benchmarking.Plots;

/// <summary>Size and wording the plots share.</summary>
public static class PlotLabels
{
    // Small enough to commit under docs/, large enough to read.
    public const int Width = 720;
    public const int Height = 440;

    public static string SweepParameter(BenchmarkReport report) => report.Config.Sweep?.Split('=')[0] ?? "run";
}
