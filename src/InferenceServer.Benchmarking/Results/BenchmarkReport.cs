namespace InferenceServer.Benchmarking.Results;

/// <summary>What --result-json holds: the configuration and one <see cref="RunResult"/> per run (one, or one per sweep point).</summary>
public sealed record BenchmarkReport
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public DateTimeOffset Date { get; init; }

    public BenchmarkConfig Config { get; init; } = new();

    public IReadOnlyList<RunResult> Runs { get; init; } = [];
}
