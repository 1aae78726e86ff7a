using InferenceServer.Backends;
using InferenceServer.Backends.Cpu;
using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Core.Tensors;
using InferenceServer.Cuda.Tests.Support;

namespace InferenceServer.Cuda.Tests.Conformance;

/// <summary>kv_write_* against the CPU backend's WriteKv: the whole pool must match, padding slots leave it untouched.</summary>
[Trait("Category", "CudaConformance")]
public sealed unsafe class KvWriteConformanceTests : IDisposable
{
    private readonly CpuReference _cpu = new();

    public static TheoryData<KernelDType, KernelDType, int, int, int, int, bool> Cases()
    {
        var data = new TheoryData<KernelDType, KernelDType, int, int, int, int, bool>();
        (KernelDType In, KernelDType Cache)[] pairs = [(KernelDType.F32, KernelDType.F32), (KernelDType.F32, KernelDType.BF16), (KernelDType.F16, KernelDType.F16), (KernelDType.BF16, KernelDType.BF16)];
        // tokens, kv heads, head dim, block size: one decode token, odd counts, GQA head counts, head dims 64-256.
        (int Tokens, int KvHeads, int HeadDim, int BlockSize)[] shapes = [(1, 1, 64, 16), (7, 2, 64, 8), (33, 8, 128, 16), (20, 4, 80, 32), (5, 1, 256, 16), (64, 2, 96, 16)];
        foreach (var (input, cache) in pairs)
            foreach (var s in shapes)
                foreach (bool fused in new[] { false, true }) data.Add(input, cache, s.Tokens, s.KvHeads, s.HeadDim, s.BlockSize, fused);
        return data;
    }

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(Cases))]
    [KernelCases(KernelDevices.Gpu, nameof(Cases))]
    public void Kv_write_fills_the_same_slots_as_the_cpu_backend(string device, KernelDType input, KernelDType cache, int tokens, int kvHeads,
        int headDim, int blockSize, bool fusedQkv)
    {
        var rng = new Random(tokens * 1000 + kvHeads * 100 + headDim + blockSize);
        int kvDim = kvHeads * headDim;
        var layout = new KvCacheLayout(1, NumBlocks: tokens / blockSize + 4, blockSize, kvHeads, headDim, cache == KernelDType.BF16 ? TensorDType.BF16 : TensorDType.F32);
        int poolValues = checked((int)layout.LayerElements);
        // Distinct random slots; every fourth token is padding (-1) and must write nothing.
        int[] slots = Enumerable.Range(0, layout.NumBlocks * blockSize).OrderBy(_ => rng.Next()).Take(tokens).ToArray();
        for (int t = 3; t < tokens; t += 4) slots[t] = -1;
        // Inputs are representable in the storage type, and the pool starts with values that stay where nothing is written.
        float[] k = DTypeCodec.Round(DTypeCodec.Random(rng, tokens * kvDim), input), v = DTypeCodec.Round(DTypeCodec.Random(rng, tokens * kvDim), input);
        float[] kInit = DTypeCodec.Round(DTypeCodec.Random(rng, poolValues), cache), vInit = DTypeCodec.Round(DTypeCodec.Random(rng, poolValues), cache);

        using var cpuCache = (CpuKvCache)_cpu.Backend.AllocateKvCache(layout);
        var cpuDType = cache == KernelDType.BF16 ? KernelDType.BF16 : KernelDType.F32;
        DTypeCodec.Encode(kInit, cpuDType).CopyTo(new Span<byte>(cpuCache.K(0), poolValues * cpuDType.Size()));
        DTypeCodec.Encode(vInit, cpuDType).CopyTo(new Span<byte>(cpuCache.V(0), poolValues * cpuDType.Size()));
        _cpu.Backend.WriteKv(cpuCache, 0, _cpu.Buffer(k), _cpu.Buffer(v), slots);
        float[] kExpected = DTypeCodec.Decode(new ReadOnlySpan<byte>(cpuCache.K(0), poolValues * cpuDType.Size()), cpuDType);
        float[] vExpected = DTypeCodec.Decode(new ReadOnlySpan<byte>(cpuCache.V(0), poolValues * cpuDType.Size()), cpuDType);

        using var gpu = new DeviceScope(device);
        nint kCache = gpu.Upload(kInit, cache), vCache = gpu.Upload(vInit, cache);
        nint key, value;
        int stride = kvDim;
        if (fusedQkv)
        {
            // K and V as slices of one [tokens, q | k | v] projection output (q as wide as k here).
            stride = 3 * kvDim;
            var qkv = new float[tokens * stride];
            for (int t = 0; t < tokens; t++)
            {
                k.AsSpan(t * kvDim, kvDim).CopyTo(qkv.AsSpan(t * stride + kvDim));
                v.AsSpan(t * kvDim, kvDim).CopyTo(qkv.AsSpan(t * stride + 2 * kvDim));
            }
            nint q = gpu.Upload(qkv, input);
            (key, value) = (q + kvDim * input.Size(), q + 2 * kvDim * input.Size());
        }
        else
        {
            (key, value) = (gpu.Upload(k, input), gpu.Upload(v, input));
        }
        KvWriteLaunch.Launch(gpu.Launcher, input, cache, kCache, vCache, key, value, gpu.Upload(slots), tokens, stride, stride, kvHeads, headDim, blockSize);
        Tolerance.Exact.Check("kv_write.k", cache, device, kExpected, gpu.Download(kCache, poolValues, cache));
        Tolerance.Exact.Check("kv_write.v", cache, device, vExpected, gpu.Download(vCache, poolValues, cache));
    }

    public void Dispose() => _cpu.Dispose();
}
