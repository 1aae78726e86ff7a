using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Core.Tensors;
using InferenceServer.Models.Adapters;
using InferenceServer.Models.Quantization;

namespace InferenceServer.Backends.Cuda.Backend;

/// <summary>
/// The adapter slots of one (layer, target) in device memory as lora.cu reads them: A [slots, maxRank, in] and
/// Bᵀ [slots, maxRank, out] fp32, with each slot's rank (0: the slot's adapter leaves this target alone) and scaling.
/// </summary>
internal sealed class LoraStack : IDisposable
{
    private readonly IKernelDevice _device;
    private readonly int _maxRank;
    private readonly int[] _ranks;
    private readonly float[] _scalings;

    private readonly TensorDType _storage;

    public LoraStack(IKernelDevice device, int slots, int maxRank, int inFeatures, int outFeatures, TensorDType storage)
    {
        _storage = storage;
        _device = device;
        _maxRank = maxRank;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        _ranks = new int[slots];
        _scalings = new float[slots];
        A = device.Allocate((long)slots * maxRank * inFeatures * sizeof(float));
        BTransposed = device.Allocate((long)slots * maxRank * outFeatures * sizeof(float));
        Ranks = device.Allocate(slots * sizeof(int));
        Scalings = device.Allocate(slots * sizeof(float));
        Publish();
    }

    public int InFeatures { get; }
    public int OutFeatures { get; }
    public nint A { get; }
    public nint BTransposed { get; }
    public nint Ranks { get; }
    public nint Scalings { get; }

    /// <summary>Empties <paramref name="slot"/> for this target (its rank becomes 0).</summary>
    public void Clear(int slot)
    {
        if (_ranks[slot] == 0) return;
        _ranks[slot] = 0;
        Publish();
    }

    public void Load(int slot, int rank, float scaling, LoraWeights weights)
    {
        if (weights.InFeatures != InFeatures || weights.OutFeatures != OutFeatures)
            throw new ArgumentException($"LoRA weights of {weights.InFeatures}→{weights.OutFeatures} for slots of {InFeatures}→{OutFeatures}");
        // Launches reading the slot's old adapter must finish before it is overwritten.
        _device.Launcher.Synchronize();
        _device.Upload<float>(Stored(weights.A.AsSpan(0, rank * InFeatures)), A + (nint)((long)slot * _maxRank * InFeatures * sizeof(float)));
        _device.Upload<float>(Stored(weights.BTransposed.AsSpan(0, rank * OutFeatures)), BTransposed + (nint)((long)slot * _maxRank * OutFeatures * sizeof(float)));
        _ranks[slot] = rank;
        _scalings[slot] = scaling;
        Publish();
    }

    /// <summary>The values as the slot's storage type holds them (rounded to bf16 for bf16 slots).</summary>
    private float[] Stored(ReadOnlySpan<float> values)
    {
        var result = values.ToArray();
        TensorCodec.Round(result, _storage);
        return result;
    }

    private void Publish()
    {
        _device.Upload<int>(_ranks, Ranks);
        _device.Upload<float>(_scalings, Scalings);
    }

    public void Dispose()
    {
        foreach (var p in new[] { A, BTransposed, Ranks, Scalings }) _device.Free(p);
    }
}
