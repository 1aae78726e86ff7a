using InferenceServer.Benchmarking.Results;
using ScottPlot;

namespace InferenceServer.Benchmarking.Plots;

/// <summary>Cumulative distributions of TTFT and end-to-end latency over successful requests, one line per run.</summary>
public static class CdfPlots
{
    public const string TtftFile = "ttft_cdf.png";
    public const string E2elFile = "e2e_latency_cdf.png";

    /// <summary>Writes both CDFs into <paramref name="folder"/>; returns the files written.</summary>
    public static IReadOnlyList<string> Write(BenchmarkReport report, string folder)
    {
        ArgumentNullException.ThrowIfNull(report);
        Directory.CreateDirectory(folder);
        return
        [
            WriteOne(report, Path.Combine(folder, TtftFile), "Time to first token", "TTFT (ms)", r => r.TtftMs),
            WriteOne(report, Path.Combine(folder, E2elFile), "End-to-end latency", "E2E latency (ms)", r => r.E2elMs),
        ];
    }

    private static string WriteOne(BenchmarkReport report, string path, string title, string xLabel, Func<RequestRecord, double> value)
    {
        var plot = new Plot();
        foreach (var run in report.Runs)
        {
            double[] xs = [.. run.Requests.Where(r => r.Success).Select(value).Order()];
            if (xs.Length == 0) continue;
            double[] ys = [.. Enumerable.Range(1, xs.Length).Select(i => (double)i / xs.Length)];
            var line = plot.Add.ScatterLine(xs, ys);
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.LineWidth = 2;
            if (run.SweepValue is { } point) line.LegendText = $"{PlotLabels.SweepParameter(report)} {point}";
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel("fraction of requests");
        plot.Axes.SetLimitsY(0, 1.02);
        if (report.Runs.Count > 1) plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, PlotLabels.Width, PlotLabels.Height);
        return path;
    }
}
