namespace InferenceServer.Server.Admin;

/// <summary>Body of <c>POST /admin/routing/{model}/weight</c>: the canary's new weight in percent, and optionally which version is the canary.</summary>
public sealed record SetWeightRequest(double? Weight, string? Canary, string? Reason);

/// <summary>Body of <c>/promote</c> and <c>/rollback</c> (optional): why, for the history.</summary>
public sealed record ReasonRequest(string? Reason);

/// <summary>Body of <c>POST /admin/routing/{model}/faults</c>: a version's injected faults (zeros clear them).</summary>
public sealed record SetFaultsRequest(string? Version, double ErrorRate, double AddedLatencyMs, string? Reason);

/// <summary>Body of <c>POST /admin/models/{model}/versions/{version}/load</c> (optional): the version's KV cache in bytes.</summary>
public sealed record LoadVersionRequest(long? KvCacheMemory);

/// <summary>Body of <c>POST /admin/models/{model}/versions/{version}/unload</c> (optional): how long its requests may run on.</summary>
public sealed record UnloadVersionRequest(double? GraceSeconds);
