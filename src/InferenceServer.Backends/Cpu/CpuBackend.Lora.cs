using InferenceServer.Backends.Cpu.Kernels;
using InferenceServer.Backends.Lora;
using InferenceServer.Core.Tensors;
using InferenceServer.Models.Adapters;

namespace InferenceServer.Backends.Cpu;

/// <summary>
/// LoRA slots and the grouped LoRA delta. A slot holds a copy of its adapter's matrices in the slot storage type;
/// an op groups the batch rows by slot and runs shrink then expand over items of up to 16 rows of one slot.
/// </summary>
public sealed unsafe partial class CpuBackend : ILoraCompute
{
    private readonly LoraPlan _loraPlan = new();
    private CpuLoraSlot[] _loraSlots = [];
    private int[] _loraGroupOf = [];
    private float[] _loraT = [];

    public int LoraSlotCount => _loraSlots.Length;

    /// <summary>Storage type of the slots' matrices.</summary>
    public TensorDType LoraDType { get; private set; } = TensorDType.F32;

    public void AllocateLoraSlots(int slots, TensorDType dtype = TensorDType.F32)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slots);
        CpuLoraSlot.ElementBytes(dtype);
        LoraDType = dtype;
        _loraSlots = new CpuLoraSlot[slots];
        for (int i = 0; i < slots; i++) _loraSlots[i] = new CpuLoraSlot();
        _loraGroupOf = new int[slots];
    }

    public void LoadLoraSlot(int slot, LoraAdapter? adapter)
    {
        if ((uint)slot >= (uint)_loraSlots.Length) throw new ArgumentOutOfRangeException(nameof(slot), $"slot {slot} of {_loraSlots.Length}");
        if (adapter != null && adapter.Rank > LoraPlan.MaxRank)
            throw new ArgumentException($"LoRA adapter '{adapter.Name}': rank {adapter.Rank} exceeds {LoraPlan.MaxRank}", nameof(adapter));
        _loraSlots[slot].Load(adapter, LoraDType);
    }

    public void AddLora(DeviceBuffer x, DeviceBuffer y, int layer, LoraTarget target, LoraBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!batch.Any || !PlanLora(layer, target, batch)) return;
        var plan = _loraPlan;
        plan.X = (float*)x.Pointer;
        plan.Y = (float*)y.Pointer;
        if (_loraT.Length < batch.RowCount * LoraPlan.MaxRank)
            _loraT = GC.AllocateUninitializedArray<float>(batch.RowCount * LoraPlan.MaxRank, pinned: true);
        fixed (float* t = _loraT)
        {
            plan.T = t;
            _kernels.Lora(_pool, plan, LoraDType);
        }
    }

    /// <summary>Groups the rows whose slot modifies this layer's target (counting sort by slot, rows kept in order); false when there are none.</summary>
    private bool PlanLora(int layer, LoraTarget target, LoraBatch batch)
    {
        var plan = _loraPlan;
        int rows = batch.RowCount;
        plan.Reset(rows, _loraSlots.Length);
        Array.Fill(_loraGroupOf, -1);
        var rowSlot = batch.RowSlot;
        var first = plan.GroupFirst;
        for (int row = 0; row < rows; row++)
        {
            int slot = rowSlot[row];
            if (slot < 0) continue;
            int g = _loraGroupOf[slot];
            if (g == -1)
            {
                var s = _loraSlots[slot];
                if (!s.TryGet(layer, target, out byte* a, out byte* b))
                {
                    _loraGroupOf[slot] = -2;
                    continue;
                }
                g = _loraGroupOf[slot] = plan.Groups++;
                plan.A[g] = (nint)a;
                plan.B[g] = (nint)b;
                plan.Rank[g] = s.Adapter!.Rank;
                plan.Scaling[g] = s.Adapter.Scaling;
                first[g + 1] = 0;
                var w = s.Adapter.Weights(layer, target)!;
                plan.InFeatures = w.InFeatures;
                plan.OutFeatures = w.OutFeatures;
            }
            if (g >= 0) first[g + 1]++;
        }
        if (plan.Groups == 0) return false;
        first[0] = 0;
        for (int g = 0; g < plan.Groups; g++) first[g + 1] += first[g];
        // first[g] is now the end of group g - 1; place rows at first[g]++ then shift back.
        for (int row = 0; row < rows; row++)
        {
            int slot = rowSlot[row];
            if (slot >= 0 && _loraGroupOf[slot] is int g and >= 0) plan.Order[first[g]++] = row;
        }
        for (int g = plan.Groups; g > 0; g--) first[g] = first[g - 1];
        first[0] = 0;
        plan.AddItems();
        return true;
    }
}
