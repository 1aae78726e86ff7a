using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Backends.Lora;
using InferenceServer.Core.Tensors;
using InferenceServer.Models.Adapters;

namespace InferenceServer.Backends.Cuda.Backend;

/// <summary>
/// LoRA on the device: per (layer, target) the slots' A and Bᵀ stacked as lora.cu expects, filled when a slot is
/// loaded; each step runs BGMV when every row is its own run of a slot (decode) and SGMV over runs of rows sharing a
/// slot otherwise (prefill), as Punica does.
/// </summary>
public sealed partial class CudaBackend : ILoraCompute
{
    private readonly int _maxLoraRank;
    private readonly DeviceArray<int> _loraRowSlots, _segmentStarts, _segmentSlots;
    private readonly DeviceScratch _loraT;
    private readonly Dictionary<(int Layer, LoraTarget Target), LoraStack> _loraStacks = [];
    private int _loraSlotCount;
    private TensorDType _loraDType = TensorDType.F32;
    private int[] _hostSegmentStarts = [], _hostSegmentSlots = [];

    public int LoraSlotCount => _loraSlotCount;

    /// <remarks>
    /// bf16 adapters are rounded to bf16 and kept in fp32 slots, so they compute exactly as the CPU's bf16 slots do;
    /// the kernels take A and Bᵀ in the activation type, so storing them in bf16 would need bf16 activations.
    /// </remarks>
    public void AllocateLoraSlots(int slots, TensorDType dtype = TensorDType.F32)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slots);
        if (dtype is not (TensorDType.F32 or TensorDType.BF16)) throw new ArgumentException($"LoRA dtype must be f32 or bf16, got {dtype}", nameof(dtype));
        DisposeLoraSlots();
        _loraSlotCount = slots;
        _loraDType = dtype;
    }

    public void LoadLoraSlot(int slot, LoraAdapter? adapter)
    {
        if ((uint)slot >= (uint)_loraSlotCount) throw new ArgumentOutOfRangeException(nameof(slot), $"slot {slot} of {_loraSlotCount}");
        if (adapter != null && adapter.Rank > _maxLoraRank)
            throw new ArgumentException($"LoRA adapter '{adapter.Name}': rank {adapter.Rank} exceeds the slots' {_maxLoraRank}", nameof(adapter));
        foreach (var stack in _loraStacks.Values) stack.Clear(slot);
        if (adapter == null) return;
        for (int layer = 0; layer < adapter.NumLayers; layer++)
        {
            foreach (var target in Enum.GetValues<LoraTarget>())
            {
                if (adapter.Weights(layer, target) is not { } w) continue;
                if (!_loraStacks.TryGetValue((layer, target), out var stack))
                {
                    _loraStacks[(layer, target)] = stack = new LoraStack(_device, _loraSlotCount, _maxLoraRank, w.InFeatures, w.OutFeatures, _loraDType);
                    BuffersMoved(); // graphs captured without this target's LoRA launches are stale
                }
                stack.Load(slot, adapter.Rank, adapter.Scaling, w);
            }
        }
    }

    public void AddLora(DeviceBuffer x, DeviceBuffer y, int layer, LoraTarget target, LoraBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!batch.Any || !_loraStacks.TryGetValue((layer, target), out var stack)) return;
        int rows = batch.RowCount;
        var rowSlots = batch.RowSlot.AsSpan(0, rows);
        nint t = _loraT.Get((long)rows * _maxLoraRank * sizeof(float));
        int segments = Segments(rowSlots, out int longest);
        // Graphs replay whatever segments the capture saw, so a capture always takes BGMV (right for any rows).
        if (longest <= 1 || _capturing)
        {
            nint slots = _loraRowSlots.Upload(rowSlots);
            LoraLaunch.BgmvShrink(_launcher, KernelDType.F32, t, x.Pointer, stack.A, stack.Ranks, stack.Scalings, slots, rows, stack.InFeatures, _maxLoraRank);
            LoraLaunch.BgmvExpand(_launcher, KernelDType.F32, y.Pointer, t, stack.BTransposed, stack.Ranks, slots, rows, stack.OutFeatures, _maxLoraRank);
            return;
        }
        nint starts = _segmentStarts.Upload(_hostSegmentStarts.AsSpan(0, segments + 1));
        nint segmentSlots = _segmentSlots.Upload(_hostSegmentSlots.AsSpan(0, segments));
        LoraLaunch.SgmvShrink(_launcher, KernelDType.F32, t, x.Pointer, stack.A, stack.Ranks, stack.Scalings, starts, segmentSlots, segments, longest,
            stack.InFeatures, _maxLoraRank);
        LoraLaunch.SgmvExpand(_launcher, KernelDType.F32, y.Pointer, t, stack.BTransposed, stack.Ranks, starts, segmentSlots, segments, longest,
            stack.OutFeatures, _maxLoraRank);
    }

    /// <summary>Runs of consecutive rows sharing a slot into the host segment arrays; returns their count and the longest run.</summary>
    private int Segments(ReadOnlySpan<int> rowSlots, out int longest)
    {
        if (_hostSegmentStarts.Length < rowSlots.Length + 1)
        {
            _hostSegmentStarts = new int[rowSlots.Length + 1];
            _hostSegmentSlots = new int[rowSlots.Length];
        }
        int segments = 0;
        longest = 0;
        for (int row = 0; row < rowSlots.Length;)
        {
            int end = row + 1;
            while (end < rowSlots.Length && rowSlots[end] == rowSlots[row]) end++;
            _hostSegmentStarts[segments] = row;
            _hostSegmentSlots[segments++] = rowSlots[row];
            longest = Math.Max(longest, end - row);
            row = end;
        }
        _hostSegmentStarts[segments] = rowSlots.Length;
        return segments;
    }

    private void DisposeLoraSlots()
    {
        foreach (var stack in _loraStacks.Values) stack.Dispose();
        _loraStacks.Clear();
    }
}
