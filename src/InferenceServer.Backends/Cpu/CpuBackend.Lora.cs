using InferenceServer.Backends.Cpu.Kernels;
using InferenceServer.Backends.Lora;
using InferenceServer.Models.Adapters;

namespace InferenceServer.Backends.Cpu;

/// <summary>LoRA slots and the grouped LoRA delta. On the CPU a slot refers to the adapter's host matrices: no copy.</summary>
public sealed unsafe partial class CpuBackend : ILoraCompute
{
    private readonly LoraWork _lora = new();
    private LoraAdapter?[] _loraSlots = [];

    public int LoraSlotCount => _loraSlots.Length;

    public void AllocateLoraSlots(int slots)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slots);
        _loraSlots = new LoraAdapter?[slots];
    }

    public void LoadLoraSlot(int slot, LoraAdapter? adapter)
    {
        if ((uint)slot >= (uint)_loraSlots.Length) throw new ArgumentOutOfRangeException(nameof(slot), $"slot {slot} of {_loraSlots.Length}");
        if (adapter != null && adapter.Rank > 64) throw new ArgumentException($"LoRA adapter '{adapter.Name}': rank {adapter.Rank} exceeds 64", nameof(adapter));
        _loraSlots[slot] = adapter;
    }

    public void AddLora(DeviceBuffer x, DeviceBuffer y, int layer, LoraTarget target, LoraBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!batch.Any) return;
        var work = _lora;
        work.X = (float*)x.Pointer;
        work.Y = (float*)y.Pointer;
        work.RowSlot = batch.RowSlot;
        work.Slots = _loraSlots;
        work.Layer = layer;
        work.Target = target;
        LoraWeights? any = null;
        foreach (var adapter in _loraSlots) any ??= adapter?.Weights(layer, target);
        if (any == null) return;
        work.InFeatures = any.InFeatures;
        work.OutFeatures = any.OutFeatures;
        _pool.Run(work, batch.RowCount, grain: 1);
    }
}
