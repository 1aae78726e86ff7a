namespace InferenceServer.Benchmarking.Results;

/// <summary>Ratios (b / a) of each headline figure between two result files, run by run (sweep points by position).</summary>
public static class ResultComparison
{
    /// <summary>One figure of one run in both files; Ratio is null when a figure is missing or zero in a.</summary>
    public sealed record Row(string Run, string Figure, string Unit, double? A, double? B, double? Ratio, bool HigherIsBetter);

    public static IReadOnlyList<Row> Compare(BenchmarkReport a, BenchmarkReport b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Runs.Count != b.Runs.Count)
            throw new ArgumentException($"the files hold different numbers of runs ({a.Runs.Count} and {b.Runs.Count}); compare files of the same sweep");
        var rows = new List<Row>();
        for (int i = 0; i < a.Runs.Count; i++)
        {
            string run = a.Runs[i].SweepValue ?? b.Runs[i].SweepValue ?? "run";
            foreach (var figure in HeadlineFigures.All)
            {
                double? x = figure.Value(a.Runs[i].Metrics), y = figure.Value(b.Runs[i].Metrics);
                double? ratio = x is { } xv && y is { } yv && xv != 0 ? yv / xv : null;
                rows.Add(new Row(run, figure.Name, figure.Unit, x, y, ratio, figure.HigherIsBetter));
            }
        }
        return rows;
    }
}
