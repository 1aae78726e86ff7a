using InferenceServer.Benchmarking.Datasets;
using InferenceServer.Benchmarking.Load;

namespace InferenceServer.Benchmarking.Results;

/// <summary>Everything that defines a benchmark run, saved with its results so a number can be traced to how it was made.</summary>
public sealed record BenchmarkConfig
{
    public string BaseUrl { get; init; } = "";

    public string Endpoint { get; init; } = "completions";

    public string Model { get; init; } = "";

    public string? Tokenizer { get; init; }

    public DatasetSpec Dataset { get; init; } = new();

    public LoadPlan Load { get; init; } = new();

    public int Warmup { get; init; }

    public bool IgnoreEos { get; init; } = true;

    public IReadOnlyList<double> Percentiles { get; init; } = [];

    /// <summary>The --goodput objectives as given (e.g. "ttft:200 tpot:50"); empty for none.</summary>
    public string Goodput { get; init; } = "";

    /// <summary>The --sweep as given; null for a single run.</summary>
    public string? Sweep { get; init; }

    /// <summary>The manifest of the server this benchmark started itself, if it did.</summary>
    public string? StartedServer { get; init; }

    /// <summary>Where it ran: OS, processor count, .NET version.</summary>
    public string Machine { get; init; } = $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores, .NET {Environment.Version}";
}
