using System.Globalization;
using InferenceServer.Benchmarking.Metrics;
using InferenceServer.Benchmarking.Results;
using Spectre.Console;

namespace InferenceServer.Benchmarking.Reporting;

/// <summary>Console tables of results: one per run (vLLM's layout), a summary of a sweep, and a comparison of two files.</summary>
public static class ResultConsole
{
    public static void WriteRun(IAnsiConsole console, RunResult run, IReadOnlyList<double> percentiles)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(run);
        var m = run.Metrics;
        var table = new Table().Title(run.SweepValue is null ? "Serving benchmark result" : $"Serving benchmark result ({run.SweepValue})")
            .AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
        Row("Successful requests", Int(m.Completed));
        Row("Failed requests", Int(m.Failed));
        Row("Benchmark duration (s)", Num(m.DurationSeconds));
        Row("Total input tokens", Int(m.TotalInputTokens));
        Row("Total generated tokens", Int(m.TotalOutputTokens));
        Row("Token counts from", m.TokenCountSource);
        Row("Request throughput (req/s)", Num(m.RequestThroughput));
        if (m.RequestGoodput is { } goodput) Row("Request goodput (req/s)", Num(goodput));
        Row("Output token throughput (tok/s)", Num(m.OutputThroughput));
        Row("Total token throughput (tok/s)", Num(m.TotalTokenThroughput));
        foreach (var (name, summary) in new[] { ("TTFT", m.Ttft), ("TPOT", m.Tpot), ("ITL", m.Itl), ("E2E latency", m.E2el) })
        {
            table.AddEmptyRow();
            Row($"Mean {name} (ms)", Num(summary.Mean));
            Row($"Median {name} (ms)", Num(summary.Median));
            Row($"Std {name} (ms)", Num(summary.Std));
            foreach (double p in percentiles) Row($"P{LatencySummary.Key(p)[1..]} {name} (ms)", Num(summary.Percentiles.GetValueOrDefault(LatencySummary.Key(p))));
        }
        console.Write(table);
        foreach (var (error, count) in m.Errors)
            console.MarkupLineInterpolated($"[red]{count} failed:[/] {error}");
    }

    public static void WriteSweep(IAnsiConsole console, BenchmarkReport report, string parameter)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(report);
        var table = new Table().Title($"Sweep over {parameter}");
        foreach (string column in new[] { parameter, "ok", "failed", "req/s", "out tok/s", "median TTFT", "p99 TTFT", "median TPOT", "p99 TPOT", "median E2E" })
            table.AddColumn(new TableColumn(column).RightAligned());
        foreach (var run in report.Runs)
        {
            var m = run.Metrics;
            table.AddRow(run.SweepValue ?? "", Int(m.Completed), Int(m.Failed), Num(m.RequestThroughput), Num(m.OutputThroughput),
                Num(m.Ttft.Median), Num(m.Ttft.Percentiles.GetValueOrDefault("p99")), Num(m.Tpot.Median), Num(m.Tpot.Percentiles.GetValueOrDefault("p99")), Num(m.E2el.Median));
        }
        console.Write(table);
        console.WriteLine("latencies in ms");
    }

    public static void WriteComparison(IAnsiConsole console, IReadOnlyList<ResultComparison.Row> rows, string a, string b)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(rows);
        var table = new Table().Title(Markup.Escape($"b / a   (a = {a}, b = {b})"));
        foreach (string column in new[] { "run", "figure", "a", "b", "b / a" })
            table.AddColumn(new TableColumn(column).RightAligned());
        foreach (var row in rows)
        {
            string ratio = row.Ratio is { } r ? r.ToString("0.000", CultureInfo.InvariantCulture) + "x" : "-";
            // Green when b is better than a, red when worse, whichever direction the figure improves in.
            string colour = row.Ratio is not { } q || Math.Abs(q - 1) < 0.005 ? "default" : (q > 1) == row.HigherIsBetter ? "green" : "red";
            table.AddRow(Markup.Escape(row.Run), Markup.Escape($"{row.Figure} ({row.Unit})"), Opt(row.A), Opt(row.B), $"[{colour}]{ratio}[/]");
        }
        console.Write(table);
    }

    private static string Opt(double? v) => v is { } x ? Num(x) : "-";

    private static string Num(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Int(long v) => v.ToString(CultureInfo.InvariantCulture);
}
