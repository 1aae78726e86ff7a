namespace InferenceServer.Server.Admin;

/// <summary>Body of <c>POST /admin/routing/{model}/weight</c>: the canary's new weight in percent.</summary>
public sealed record SetWeightRequest(double? Weight, string? Reason);

/// <summary>Body of <c>/promote</c> and <c>/rollback</c> (optional): why, for the history.</summary>
public sealed record ReasonRequest(string? Reason);

/// <summary>Body of <c>POST /admin/routing/{model}/faults</c>: a version's injected faults (zeros clear them).</summary>
public sealed record SetFaultsRequest(string? Version, double ErrorRate, double AddedLatencyMs);
