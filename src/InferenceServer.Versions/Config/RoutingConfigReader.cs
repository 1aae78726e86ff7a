using System.Text.Json;
using System.Text.Json.Serialization;
using InferenceServer.Core.Errors;

namespace InferenceServer.Versions.Config;

/// <summary>Reads and validates a routing file; every problem is an error naming the file and the field.</summary>
public static class RoutingConfigReader
{
    /// <summary>Longest latency a fault may add to a request: ten minutes.</summary>
    public const double MaxAddedLatencyMs = 600_000;

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Reads <paramref name="path"/> for <paramref name="model"/>, whose loadable versions are <paramref name="knownVersions"/>.</summary>
    public static RoutingConfig Read(string path, string model, IReadOnlyCollection<string> knownVersions)
    {
        ArgumentNullException.ThrowIfNull(knownVersions);
        if (!File.Exists(path)) throw new ModelLoadException(path, "routing file not found");
        RoutingFile? file;
        try
        {
            file = JsonSerializer.Deserialize<RoutingFile>(File.ReadAllBytes(path), Options);
        }
        catch (JsonException e)
        {
            throw new ModelLoadException(path, $"invalid routing file: {e.Message}", e);
        }
        if (file == null) throw new ModelLoadException(path, "the routing file is empty");
        return Validate(path, model, file, knownVersions);
    }

    /// <summary>Checks a configuration (from a file or the admin API) against the versions that exist.</summary>
    public static RoutingConfig Validate(string source, string model, RoutingFile file, IReadOnlyCollection<string> knownVersions)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(knownVersions);
        void Check(bool ok, string problem)
        {
            if (!ok) throw new ModelLoadException(source, problem);
        }
        void Known(string? version, string field)
        {
            if (version != null)
                Check(knownVersions.Contains(version), $"{field}: version '{version}' of model '{model}' has no manifest (known: {string.Join(", ", knownVersions.Order())})");
        }
        Check(!string.IsNullOrEmpty(file.Stable), "'stable' is missing");
        Known(file.Stable, "stable");
        Known(file.Canary, "canary");
        Known(file.Shadow?.Version, "shadow.version");
        Check(file.Canary != file.Stable, "'canary' must differ from 'stable'");
        var steps = file.Steps ?? [5, 25, 50, 100];
        Check(steps.Count > 0 && steps.All(s => s > 0 && s <= 100), "'steps' must be percentages in (0, 100]");
        for (int i = 1; i < steps.Count; i++) Check(steps[i] > steps[i - 1], "'steps' must increase");
        Check(steps[^1] == 100, "'steps' must end at 100");
        double weight = file.CanaryWeight ?? (file.Canary != null ? steps[0] : 0);
        Check(weight is >= 0 and <= 100, $"'canary_weight' must be in [0, 100], got {weight}");
        Check(file.Canary != null || weight == 0, "'canary_weight' without a 'canary'");
        Check((file.EvaluationWindowSeconds ?? 300) > 0, "'evaluation_window_seconds' must be positive");
        Check((file.MinRequests ?? 20) >= 1, "'min_requests' must be at least 1");
        Check((file.Rollback?.ErrorRateRatio ?? 1.5) >= 1 && (file.Rollback?.P95LatencyRatio ?? 1.5) >= 1, "rollback ratios must be at least 1");
        Check(file.Shadow == null || file.Shadow.SampleRate is >= 0 and <= 1, "'shadow.sample_rate' must be in [0, 1]");
        Check(file.Shadow == null || file.Shadow.Version != file.Stable, "'shadow.version' must differ from 'stable'");
        var faults = new Dictionary<string, FaultSpec>(StringComparer.Ordinal);
        foreach (var (version, fault) in file.Faults ?? [])
        {
            Known(version, $"faults.{version}");
            Check(fault.ErrorRate is >= 0 and <= 1, $"faults.{version}.error_rate must be in [0, 1]");
            // Bounded: a latency beyond TimeSpan's range threw an OverflowException (a 500) further in.
            Check(fault.AddedLatencyMs is >= 0 and <= MaxAddedLatencyMs, $"faults.{version}.added_latency_ms must be in [0, {MaxAddedLatencyMs}]");
            faults[version] = new FaultSpec(fault.ErrorRate, TimeSpan.FromMilliseconds(fault.AddedLatencyMs));
        }
        return new RoutingConfig
        {
            Model = model,
            Stable = file.Stable!,
            Canary = file.Canary,
            CanaryWeight = weight,
            Steps = steps,
            EvaluationWindow = TimeSpan.FromSeconds(file.EvaluationWindowSeconds ?? 300),
            MinRequests = file.MinRequests ?? 20,
            ErrorRateRatio = file.Rollback?.ErrorRateRatio ?? 1.5,
            P95LatencyRatio = file.Rollback?.P95LatencyRatio ?? 1.5,
            StickyHeader = file.StickyHeader,
            ShadowVersion = file.Shadow?.Version,
            ShadowSampleRate = file.Shadow?.SampleRate ?? 0,
            Faults = faults,
        };
    }
}
