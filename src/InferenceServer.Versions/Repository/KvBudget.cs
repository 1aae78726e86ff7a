namespace InferenceServer.Versions.Repository;

/// <summary>
/// The KV-cache memory of a models folder, shared by the versions loaded in it. At start it is split by relative
/// shares (1 unless configured) over the versions loaded then and over versions that only have a configured share,
/// whose part stays free for a load at run time. A version loaded at run time takes its share's part, or what the
/// caller asks for, or else all that is free; unloading a version frees its part. Thread-safe.
/// </summary>
public sealed class KvBudget
{
    private readonly IReadOnlyDictionary<string, double> _shares;
    private readonly Dictionary<string, long> _reserved = new(StringComparer.Ordinal);
    private double _bytesPerShare;

    /// <param name="total">Bytes for all versions together; null: no budget, every engine sizes its own cache.</param>
    /// <param name="shares">Relative shares by <c>name@version</c>.</param>
    public KvBudget(long? total, IReadOnlyDictionary<string, double> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        if (total is <= 0) throw new ArgumentOutOfRangeException(nameof(total), total, "the KV-cache budget must be positive");
        Total = total;
        _shares = shares;
    }

    /// <summary>The budget (null: none).</summary>
    public long? Total { get; }

    /// <summary>Bytes no loaded version holds (0 without a budget).</summary>
    public long Free
    {
        get
        {
            lock (_reserved) return Total is long t ? t - _reserved.Values.Sum() : 0;
        }
    }

    /// <summary>The key of a version: <c>name@version</c>, as shares are configured.</summary>
    public static string Key(string model, string version) => $"{model}@{version}";

    /// <summary>
    /// Splits the budget over <paramref name="keys"/> (the versions loaded at start) and the configured shares of
    /// versions not among them, reserving the former's parts; returns each key's bytes (null without a budget).
    /// </summary>
    public IReadOnlyDictionary<string, long?> ReserveAtStart(IReadOnlyCollection<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        double shares = keys.Sum(ShareOf) + _shares.Where(s => !keys.Contains(s.Key)).Sum(s => s.Value);
        lock (_reserved)
        {
            _bytesPerShare = Total is long t && shares > 0 ? t / shares : 0;
            var parts = new Dictionary<string, long?>(StringComparer.Ordinal);
            foreach (var key in keys)
            {
                parts[key] = Total is null ? null : (long)(_bytesPerShare * ShareOf(key));
                if (parts[key] is long bytes) _reserved[key] = bytes;
            }
            return parts;
        }
    }

    /// <summary>
    /// Reserves a part for a version loaded at run time: <paramref name="requested"/> bytes, else its configured
    /// share's part, else all that is free. Null without a budget. Throws <see cref="InvalidOperationException"/>
    /// with what is free and who holds the rest when the part does not fit.
    /// </summary>
    public long? Reserve(string key, long? requested)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (requested is <= 0) throw new ArgumentOutOfRangeException(nameof(requested), requested, "KV-cache memory must be positive");
        if (Total is not long total) return null;
        lock (_reserved)
        {
            if (_reserved.ContainsKey(key)) throw new InvalidOperationException($"{key} already holds KV-cache memory");
            long free = total - _reserved.Values.Sum();
            long bytes = requested ?? (_shares.TryGetValue(key, out var share) ? (long)(_bytesPerShare * share) : free);
            if (bytes <= 0 || bytes > free)
            {
                string held = string.Join(", ", _reserved.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} {r.Value}"));
                string need = bytes > 0 ? $"{bytes} bytes of KV cache" : "KV cache";
                throw new InvalidOperationException(
                    $"{key} needs {need} but {free} of the {total}-byte budget are free (held: {held}); unload a version, "
                    + "ask for less, or give it a share (Server:KvCacheShares) so its part is kept free at start");
            }
            _reserved[key] = bytes;
            return bytes;
        }
    }

    /// <summary>Frees a version's part (no-op for one that holds none).</summary>
    public void Release(string key)
    {
        lock (_reserved) _reserved.Remove(key);
    }

    private double ShareOf(string key) => _shares.TryGetValue(key, out var s) ? s : 1;
}
