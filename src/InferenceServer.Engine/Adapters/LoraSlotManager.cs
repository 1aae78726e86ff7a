using InferenceServer.Backends.Lora;
using InferenceServer.Core.Tensors;
using InferenceServer.Engine.Runner;
using InferenceServer.Models.Adapters;
using InferenceServer.Scheduling;

namespace InferenceServer.Engine.Adapters;

/// <summary>
/// The engine's LoRA adapters: those registered (by name) and the few device slots (<c>--max-loras</c>) they
/// run from. A request's adapter gets a slot when the request is admitted: a free slot, else the least
/// recently used slot no running request holds; with none, the request waits without blocking others.
/// Engine thread only.
/// </summary>
public sealed class LoraSlotManager : IAdmissionGate
{
    private readonly ILoraCompute _backend;
    private readonly Dictionary<string, Registered> _adapters = new(StringComparer.Ordinal);
    private readonly Registered?[] _slots;
    private readonly int[] _slotPins;
    private readonly long[] _slotUsed;
    private long _clock;
    private long _registrations;

    public LoraSlotManager(ILoraCompute backend, int slots, int maxRank, TensorDType dtype = TensorDType.F32)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slots);
        _backend = backend;
        MaxRank = maxRank;
        DType = dtype;
        backend.AllocateLoraSlots(slots, dtype);
        _slots = new Registered?[slots];
        _slotPins = new int[slots];
        _slotUsed = new long[slots];
    }

    /// <summary>Largest rank an adapter may have (<c>--max-lora-rank</c>).</summary>
    public int MaxRank { get; }

    /// <summary>Storage type of the slots' matrices (<c>--lora-dtype</c>).</summary>
    public TensorDType DType { get; }

    /// <summary>
    /// The slot storage type for <paramref name="options"/>: the chosen one, or for "auto" f32 when the weights are
    /// f32 (an f32 model stays exact) and bf16 otherwise, like vLLM's default of the model's dtype.
    /// </summary>
    public static TensorDType ResolveDType(EngineOptions options, ModelWeights weights)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(weights);
        if (options.LoraDType is { } chosen) return chosen;
        return weights.Layers[0].QProj.DType == TensorDType.F32 ? TensorDType.F32 : TensorDType.BF16;
    }

    /// <summary>Adapter slots.</summary>
    public int SlotCount => _slots.Length;

    /// <summary>Names of the registered adapters.</summary>
    public IReadOnlyCollection<string> Names => _adapters.Keys;

    /// <summary>Number of registered adapters.</summary>
    public int Count => _adapters.Count;

    /// <summary>Adapters now in a slot.</summary>
    public IEnumerable<string> Resident => _slots.Where(r => r != null).Select(r => r!.Adapter.Name);

    /// <summary>Times an adapter was put into a slot (a first load or a reload after eviction).</summary>
    public long SlotLoads { get; private set; }

    /// <summary>
    /// Registers <paramref name="adapter"/> under its name. Its cache id is new for every registration, so KV
    /// blocks computed under an earlier adapter of the same name are never reused.
    /// </summary>
    public void Register(LoraAdapter adapter)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        if (adapter.Rank > MaxRank) throw new ArgumentException($"LoRA adapter '{adapter.Name}': rank {adapter.Rank} exceeds the maximum LoRA rank {MaxRank}");
        if (_adapters.ContainsKey(adapter.Name)) throw new ArgumentException($"LoRA adapter '{adapter.Name}' is already loaded");
        _adapters.Add(adapter.Name, new Registered(adapter, $"{adapter.Name}#{++_registrations}") { LastUsed = ++_clock });
    }

    /// <summary>Removes an adapter that no running request holds; its slot is emptied.</summary>
    public void Unregister(string name)
    {
        if (!_adapters.ContainsKey(name)) throw new KeyNotFoundException($"LoRA adapter '{name}' is not loaded");
        int slot = SlotOf(_adapters[name].CacheId);
        if (slot >= 0 && _slotPins[slot] > 0) throw new InvalidOperationException($"LoRA adapter '{name}' is in use by {_slotPins[slot]} running requests");
        if (slot >= 0)
        {
            _slots[slot] = null;
            _backend.LoadLoraSlot(slot, null);
        }
        _adapters.Remove(name);
    }

    /// <summary>The prefix-cache id of a registered adapter (null for none), or throws for an unknown name.</summary>
    public string? CacheId(string? name)
    {
        if (name == null) return null;
        return _adapters.TryGetValue(name, out var r) ? r.CacheId : throw new KeyNotFoundException($"LoRA adapter '{name}' is not loaded");
    }

    /// <summary>The name of the registered adapter with this cache id, or null (none, or unloaded since).</summary>
    public string? NameOf(string? cacheId)
    {
        if (cacheId == null) return null;
        foreach (var r in _adapters.Values) if (string.Equals(r.CacheId, cacheId, StringComparison.Ordinal)) return r.Adapter.Name;
        return null;
    }

    /// <summary>Whether <paramref name="name"/> is registered.</summary>
    public bool Contains(string name) => _adapters.ContainsKey(name);

    /// <summary>The slot running requests of the adapter with this cache id use (-1: none / base model).</summary>
    public int SlotOf(string? cacheId)
    {
        if (cacheId == null) return -1;
        for (int s = 0; s < _slots.Length; s++)
            if (_slots[s] is { } r && string.Equals(r.CacheId, cacheId, StringComparison.Ordinal)) return s;
        return -1;
    }

    public bool TryAdmit(ScheduledRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? cacheId = request.Namespace.AdapterId;
        if (cacheId == null) return true;
        int slot = SlotOf(cacheId);
        if (slot < 0)
        {
            slot = FreeOrLeastRecentlyUsed();
            if (slot < 0) return false;
            Registered? registered = null;
            foreach (var r in _adapters.Values) if (r.CacheId == cacheId) registered = r;
            // Unloaded while it waited: admit it as the base model would be wrong, so keep it waiting; the
            // engine ends such requests when it unloads the adapter.
            if (registered == null) return false;
            _slots[slot] = registered;
            _backend.LoadLoraSlot(slot, registered.Adapter);
            SlotLoads++;
        }
        _slotPins[slot]++;
        _slotUsed[slot] = ++_clock;
        _slots[slot]!.LastUsed = _clock;
        return true;
    }

    public void Release(ScheduledRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        int slot = SlotOf(request.Namespace.AdapterId);
        if (slot >= 0 && _slotPins[slot] > 0) _slotPins[slot]--;
    }

    private int FreeOrLeastRecentlyUsed()
    {
        int best = -1;
        for (int s = 0; s < _slots.Length; s++)
        {
            if (_slots[s] == null) return s;
            if (_slotPins[s] == 0 && (best < 0 || _slotUsed[s] < _slotUsed[best])) best = s;
        }
        return best;
    }

    /// <summary>
    /// The registered adapter used least recently that no request in <paramref name="inUse"/> (cache ids) needs
    /// and no slot pins, or null when every one is needed.
    /// </summary>
    public string? EvictionCandidate(IReadOnlySet<string> inUse)
    {
        ArgumentNullException.ThrowIfNull(inUse);
        Registered? best = null;
        foreach (var r in _adapters.Values)
        {
            if (inUse.Contains(r.CacheId)) continue;
            int slot = SlotOf(r.CacheId);
            if (slot >= 0 && _slotPins[slot] > 0) continue;
            if (best == null || r.LastUsed < best.LastUsed) best = r;
        }
        return best?.Adapter.Name;
    }

    private sealed record Registered(LoraAdapter Adapter, string CacheId)
    {
        public long LastUsed { get; set; }
    }
}
