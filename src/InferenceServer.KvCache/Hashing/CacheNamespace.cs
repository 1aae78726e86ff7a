namespace InferenceServer.KvCache.Hashing;

/// <summary>
/// What besides the token ids decides a block's KV: the model version, the LoRA adapter (null for the base
/// model) and an optional per-tenant cache salt. Blocks of different namespaces are never shared.
/// </summary>
public readonly record struct CacheNamespace(string ModelVersion, string? AdapterId = null, string? CacheSalt = null);
