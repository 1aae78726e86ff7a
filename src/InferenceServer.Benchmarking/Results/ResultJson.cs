using System.Text.Json;
using System.Text.Json.Serialization;

namespace InferenceServer.Benchmarking.Results;

/// <summary>Reads and writes <see cref="BenchmarkReport"/>s as snake_case JSON (an infinite request rate is "Infinity").</summary>
public static class ResultJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static void Write(BenchmarkReport report, string path)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllText(path, JsonSerializer.Serialize(report, Options));
    }

    public static BenchmarkReport Read(string path)
    {
        if (!File.Exists(path)) throw new ArgumentException($"{path}: no such file");
        try
        {
            var report = JsonSerializer.Deserialize<BenchmarkReport>(File.ReadAllText(path), Options)
                ?? throw new ArgumentException($"{path}: empty result file");
            if (report.Runs.Count == 0) throw new ArgumentException($"{path}: no runs in the result file");
            return report;
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{path}: not a bench result file: {e.Message}", e);
        }
    }
}
