using InferenceServer.Core.Tensors;
using InferenceServer.Models.Weights;

namespace InferenceServer.Backends;

/// <summary>
/// The ops a transformer forward pass needs. The model runner is written only against this interface so that
/// the CPU (C# SIMD) and CUDA backends are interchangeable. All activations are float32 row-major
/// [rows, columns]; weights may be stored in F32, F16, BF16 or Q8_0.
/// </summary>
public interface IComputeBackend : IDisposable
{
    /// <summary>Short name for logs ("cpu", "cuda").</summary>
    string Name { get; }

    /// <summary>
    /// Free and total bytes of the device memory weights, activations and the KV pool live in; null where the backend
    /// computes in host memory (CPU, CUDA emulation), whose budget the process's memory limit sets instead.
    /// </summary>
    DeviceMemory? Memory();

    /// <summary>Makes a weight usable by the backend, converting it to <paramref name="storage"/> if that differs.</summary>
    IDeviceWeight LoadWeight(WeightTensor tensor, TensorDType storage);

    /// <summary>Allocates an activation buffer of <paramref name="elements"/> floats (zeroed).</summary>
    DeviceBuffer Allocate(long elements);

    /// <summary>Allocates the paged KV pool for <paramref name="layout"/>.</summary>
    IKvCache AllocateKvCache(KvCacheLayout layout);

    /// <summary>y[r, :] = x[r, :] · Wᵀ (+ bias) for r in [0, rows): W is [out, in].</summary>
    void MatMul(DeviceBuffer x, int rows, IDeviceWeight weight, IDeviceWeight? bias, DeviceBuffer y);

    /// <summary>y[i, :] = table[ids[i], :].</summary>
    void Embedding(ReadOnlySpan<int> ids, IDeviceWeight table, DeviceBuffer y);

    /// <summary>y[r, :] = x[r, :] / rms(x[r, :]) * weight, over rows of <paramref name="dim"/> values.</summary>
    void RmsNorm(DeviceBuffer x, IDeviceWeight weight, float eps, int rows, int dim, DeviceBuffer y);

    /// <summary>Rotates q [tokens, qHeads*headDim] and k [tokens, kvHeads*headDim] in place (NeoX / rotate-half layout).</summary>
    void Rope(DeviceBuffer q, DeviceBuffer k, ReadOnlySpan<int> positions, int qHeads, int kvHeads, int headDim, RopeTable table);

    /// <summary>Writes each token's k and v rows into the cache slots of <paramref name="slotMapping"/> (negative = skip).</summary>
    void WriteKv(IKvCache cache, int layer, DeviceBuffer k, DeviceBuffer v, ReadOnlySpan<int> slotMapping);

    /// <summary>
    /// Causal attention of each new token over its sequence's cached context (paged), with grouped-query heads:
    /// output [tokens, qHeads*headDim]. <paramref name="slidingWindow"/> limits how far back a token looks (0 = no limit).
    /// </summary>
    void Attention(DeviceBuffer q, IKvCache cache, int layer, AttentionBatch batch, int qHeads, float scale, int slidingWindow, DeviceBuffer output);

    /// <summary>output[r, :] = silu(gateUp[r, :inter]) * gateUp[r, inter:] where gateUp rows hold gate then up.</summary>
    void SiluMul(DeviceBuffer gate, DeviceBuffer up, int rows, int inter, DeviceBuffer output);

    /// <summary>dst[i, :] = src[rows[i], :] for rows of <paramref name="width"/> floats.</summary>
    void GatherRows(DeviceBuffer source, ReadOnlySpan<int> rows, int width, DeviceBuffer destination);

    /// <summary>a += b over <paramref name="count"/> elements.</summary>
    void Add(DeviceBuffer a, DeviceBuffer b, long count);

    /// <summary>Copies <paramref name="destination"/>.Length floats from the buffer to host memory (synchronising first).</summary>
    void CopyToHost(DeviceBuffer source, Span<float> destination);

    /// <summary>Copies host floats into the buffer.</summary>
    void CopyFromHost(ReadOnlySpan<float> source, DeviceBuffer destination);

    /// <summary>Frees a buffer from <see cref="Allocate"/>.</summary>
    void Free(DeviceBuffer buffer);
}

/// <summary>The paged KV pool of one model version on one backend.</summary>
public interface IKvCache : IDisposable
{
    KvCacheLayout Layout { get; }
}
