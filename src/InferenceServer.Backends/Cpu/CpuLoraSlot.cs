using InferenceServer.Backends.Cpu.Kernels;
using InferenceServer.Core.Tensors;
using InferenceServer.Models.Adapters;
using InferenceServer.Models.Quantization;

namespace InferenceServer.Backends.Cpu;

/// <summary>
/// One LoRA slot on the CPU: the adapter's A [rank, in] and Bᵀ [rank, out] (in column blocks of 64, see
/// <see cref="LoraPlan.BlockedIndex"/>) of every layer and target, copied in the slot storage type (f32, or bf16
/// rounded to nearest even) into one pinned buffer that later loads reuse when they fit. As on a GPU, the slot is what a step reads; the host adapter stays fp32 for reloads.
/// </summary>
internal sealed unsafe class CpuLoraSlot
{
    private byte[] _buffer = [];
    private byte* _base;
    private long[] _a = [];
    private long[] _b = [];
    private int _targets;

    public LoraAdapter? Adapter { get; private set; }

    /// <summary>Fills the slot with <paramref name="adapter"/> (null empties it) stored as <paramref name="dtype"/>.</summary>
    public void Load(LoraAdapter? adapter, TensorDType dtype)
    {
        Adapter = null;
        if (adapter == null) return;
        int elementBytes = ElementBytes(dtype);
        int layers = adapter.NumLayers;
        _targets = LoraTargets.All.Count;
        if (_a.Length != layers * _targets)
        {
            _a = new long[layers * _targets];
            _b = new long[layers * _targets];
        }
        long bytes = 0;
        for (int l = 0; l < layers; l++)
        {
            foreach (var t in LoraTargets.All)
            {
                int i = l * _targets + (int)t;
                _a[i] = _b[i] = -1;
                if (adapter.Weights(l, t) is not { } w) continue;
                _a[i] = bytes;
                bytes = Align(bytes + (long)w.A.Length * elementBytes);
                _b[i] = bytes;
                bytes = Align(bytes + (long)w.BTransposed.Length * elementBytes);
            }
        }
        if (bytes + 64 > _buffer.Length)
        {
            _buffer = GC.AllocateUninitializedArray<byte>(checked((int)(bytes + 64)), pinned: true);
            fixed (byte* p = _buffer) _base = (byte*)Align((long)p);
        }
        for (int l = 0; l < layers; l++)
        {
            foreach (var t in LoraTargets.All)
            {
                int i = l * _targets + (int)t;
                if (adapter.Weights(l, t) is not { } w) continue;
                Store(w.A, _base + _a[i], dtype);
                StoreBlocked(w.BTransposed, adapter.Rank, w.OutFeatures, _base + _b[i], dtype);
            }
        }
        Adapter = adapter;
    }

    /// <summary>A and Bᵀ of one layer and target in the slot's storage, or false where the adapter has none.</summary>
    public bool TryGet(int layer, LoraTarget target, out byte* a, out byte* b)
    {
        a = b = null;
        if (Adapter == null) return false;
        int i = layer * _targets + (int)target;
        if (_a[i] < 0) return false;
        a = _base + _a[i];
        b = _base + _b[i];
        return true;
    }

    public static int ElementBytes(TensorDType dtype) => dtype switch
    {
        TensorDType.F32 => 4,
        TensorDType.BF16 => 2,
        _ => throw new ArgumentException($"LoRA slots store f32 or bf16, not {dtype}", nameof(dtype)),
    };

    private static long Align(long offset) => (offset + 63) & ~63L;

    private static void Store(float[] source, byte* destination, TensorDType dtype)
    {
        for (int i = 0; i < source.Length; i++) Store(source[i], destination, i, dtype);
    }

    /// <summary>Bᵀ [rank, columns] in the expand's column-block layout (<see cref="LoraPlan.BlockedIndex"/>).</summary>
    private static void StoreBlocked(float[] source, int rank, int columns, byte* destination, TensorDType dtype)
    {
        for (int r = 0; r < rank; r++)
            for (int c = 0; c < columns; c++)
                Store(source[r * columns + c], destination, LoraPlan.BlockedIndex(r, c, rank, columns), dtype);
    }

    private static void Store(float value, byte* destination, long index, TensorDType dtype)
    {
        if (dtype == TensorDType.F32) ((float*)destination)[index] = value;
        else ((ushort*)destination)[index] = BFloat16.FromSingle(value);
    }
}
