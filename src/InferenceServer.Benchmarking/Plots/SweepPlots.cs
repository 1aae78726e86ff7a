using InferenceServer.Benchmarking.Results;
using ScottPlot;

namespace InferenceServer.Benchmarking.Plots;

/// <summary>Throughput and latency against the swept parameter, one point per run, the points evenly spaced and labelled (a rate may be "inf").</summary>
public static class SweepPlots
{
    public const string ThroughputFile = "sweep_throughput.png";
    public const string LatencyFile = "sweep_latency.png";

    public static IReadOnlyList<string> Write(BenchmarkReport report, string folder)
    {
        ArgumentNullException.ThrowIfNull(report);
        Directory.CreateDirectory(folder);
        var runs = report.Runs;
        double[] xs = [.. Enumerable.Range(0, runs.Count).Select(i => (double)i)];
        string[] labels = [.. runs.Select(r => r.SweepValue ?? "")];
        string parameter = PlotLabels.SweepParameter(report);

        var throughput = new Plot();
        Line(throughput, xs, [.. runs.Select(r => r.Metrics.OutputThroughput)], "output tokens/s");
        Line(throughput, xs, [.. runs.Select(r => r.Metrics.TotalTokenThroughput)], "total tokens/s");
        Finish(throughput, xs, labels, "Throughput", parameter, "tokens/s");
        string throughputPath = Path.Combine(folder, ThroughputFile);
        throughput.SavePng(throughputPath, PlotLabels.Width, PlotLabels.Height);

        var latency = new Plot();
        Line(latency, xs, [.. runs.Select(r => r.Metrics.Ttft.Median)], "median TTFT");
        Line(latency, xs, [.. runs.Select(r => r.Metrics.Ttft.Percentiles.GetValueOrDefault("p99"))], "p99 TTFT");
        Line(latency, xs, [.. runs.Select(r => r.Metrics.Tpot.Median)], "median TPOT");
        Line(latency, xs, [.. runs.Select(r => r.Metrics.Tpot.Percentiles.GetValueOrDefault("p99"))], "p99 TPOT");
        Line(latency, xs, [.. runs.Select(r => r.Metrics.E2el.Median)], "median E2E");
        latency.Axes.SetLimitsY(0, Math.Max(1, runs.Max(r => Math.Max(r.Metrics.E2el.Median, r.Metrics.Ttft.Percentiles.GetValueOrDefault("p99")))) * 1.1);
        Finish(latency, xs, labels, "Latency", parameter, "ms");
        string latencyPath = Path.Combine(folder, LatencyFile);
        latency.SavePng(latencyPath, PlotLabels.Width, PlotLabels.Height);
        return [throughputPath, latencyPath];
    }

    private static void Line(Plot plot, double[] xs, double[] ys, string label)
    {
        var line = plot.Add.Scatter(xs, ys);
        line.LegendText = label;
        line.LineWidth = 2;
        line.MarkerSize = 7;
    }

    private static void Finish(Plot plot, double[] xs, string[] labels, string title, string parameter, string unit)
    {
        plot.Axes.Bottom.SetTicks(xs, labels);
        plot.Title(title);
        plot.XLabel(parameter);
        plot.YLabel(unit);
        plot.ShowLegend(Alignment.UpperLeft);
    }
}
