using InferenceServer.Engine.Requests;
using InferenceServer.Models.Adapters;

namespace InferenceServer.Engine.Adapters;

/// <summary>
/// The LoRA adapters an engine has loaded, as callers on any thread see them (a name snapshot), and their host-memory
/// bound: loading beyond max-cpu-loras evicts the least recently used adapter no request needs (vLLM's LRU LoRA cache).
/// Loads and unloads run on the engine thread, which owns the <see cref="LoraSlotManager"/>.
/// </summary>
internal sealed class LoraAdapterRegistry
{
    private readonly LoraSlotManager? _slots;
    private readonly int _capacity;
    private readonly Lock _gate = new();
    private volatile IReadOnlySet<string> _names = new HashSet<string>();

    /// <param name="slots">The engine's adapter slots (null where LoRA is off).</param>
    /// <param name="capacity">Adapters kept loaded in host memory (max-cpu-loras).</param>
    public LoraAdapterRegistry(LoraSlotManager? slots, int capacity)
    {
        _slots = slots;
        _capacity = capacity;
    }

    /// <summary>Names of the loaded adapters (a snapshot, safe from any thread).</summary>
    public IReadOnlySet<string> Names => _names;

    /// <summary>
    /// Runs <paramref name="enqueue"/> if <paramref name="adapter"/> is loaded, else throws <see cref="UnknownAdapterException"/>.
    /// Checked and queued as one step: an eviction (under the same lock) either sees the request queued or happens
    /// first and fails it here, never in between (which would fail it later as unknown).
    /// </summary>
    public void EnqueueIfLoaded(string adapter, Action enqueue)
    {
        ArgumentNullException.ThrowIfNull(enqueue);
        lock (_gate)
        {
            if (!_names.Contains(adapter)) throw new UnknownAdapterException(adapter, $"LoRA adapter '{adapter}' is not loaded");
            enqueue();
        }
    }

    /// <summary>
    /// Loads <paramref name="adapter"/> (engine thread), first evicting the least recently used adapter outside
    /// <paramref name="needed"/> when host memory already holds max-cpu-loras of them.
    /// </summary>
    /// <param name="needed">Cache ids of the adapters requests use or are queued with, given the slots.</param>
    public void Load(LoraAdapter adapter, Func<LoraSlotManager, IReadOnlySet<string>> needed)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        ArgumentNullException.ThrowIfNull(needed);
        var slots = _slots ?? throw new InvalidOperationException("LoRA adapters are not enabled on this engine");
        lock (_gate)
        {
            if (slots.Count >= _capacity && !slots.Contains(adapter.Name))
            {
                string victim = slots.EvictionCandidate(needed(slots))
                    ?? throw new InvalidOperationException($"all {slots.Count} loaded LoRA adapters are in use (max-cpu-loras {_capacity}); retry later");
                slots.Unregister(victim);
            }
            slots.Register(adapter);
            Publish(slots);
        }
    }

    /// <summary>
    /// Unloads <paramref name="name"/> (engine thread) after <paramref name="abortRequests"/> ended the requests using it;
    /// <see cref="UnknownAdapterException"/> for a name not loaded.
    /// </summary>
    public void Unload(string name, Action<string> abortRequests)
    {
        ArgumentNullException.ThrowIfNull(abortRequests);
        if (_slots == null || !_slots.Contains(name)) throw new UnknownAdapterException(name, $"LoRA adapter '{name}' is not loaded");
        abortRequests(name);
        lock (_gate)
        {
            _slots.Unregister(name);
            Publish(_slots);
        }
    }

    private void Publish(LoraSlotManager slots) => _names = new HashSet<string>(slots.Names, StringComparer.Ordinal);
}
