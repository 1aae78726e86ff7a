using InferenceServer.Benchmarking.Client;

namespace InferenceServer.Benchmarking.Load;

/// <summary>Every measured request of one run (warm-up excluded) and the run's duration: first send to last finish.</summary>
public sealed record RunOutcome(IReadOnlyList<RequestOutcome> Requests, double DurationSeconds);
