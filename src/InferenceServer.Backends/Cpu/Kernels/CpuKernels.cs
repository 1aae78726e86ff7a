using System.Runtime.Intrinsics;
using InferenceServer.Backends.Cpu.Simd;
using InferenceServer.Backends.Cpu.Threading;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// Every CPU kernel compiled for one <see cref="CpuIsa"/> path. The backend creates the set for its path once, when
/// it starts, and each op is one virtual call into it; nothing is chosen per call.
/// </summary>
internal abstract unsafe class CpuKernels : IDisposable
{
    /// <summary>Most activation rows that take the GEMV kernels (decode); more take the GEMMs (prefill).</summary>
    public const int GemvMaxRows = 4;

    protected CpuKernels(CpuIsa isa)
    {
        Isa = isa;
        Description = CpuIsaSupport.Describe(isa);
    }

    public CpuIsa Isa { get; }

    /// <summary>The instructions the path uses, e.g. <c>avx2+fma</c>.</summary>
    public string Description { get; }

    /// <summary>Whether Q8_0 matmuls of <paramref name="rows"/> activation rows quantize the activations to int8 (else they dequantize weights to float).</summary>
    public abstract bool Int8Q8_0(int rows);

    /// <summary>Creates the kernels of <paramref name="isa"/>, which must be supported here.</summary>
    public static CpuKernels Create(CpuIsa isa, int threads)
    {
        if (!CpuIsaSupport.IsSupported(isa))
            throw new PlatformNotSupportedException($"CPU path '{isa.ToString().ToLowerInvariant()}' is not supported here (supported: {string.Join(", ", CpuIsaSupport.Supported).ToLowerInvariant()})");
        return isa switch
        {
            CpuIsa.Avx512 => new SimdKernels<Simd512, Vector512<float>>(isa, threads),
            CpuIsa.Avx2 => new SimdKernels<Simd256, Vector256<float>>(isa, threads),
            _ => new SimdKernels<Simd128, Vector128<float>>(isa, threads),
        };
    }

    /// <summary>y = x·Wᵀ (+ bias) for <paramref name="rows"/> rows of x.</summary>
    public abstract void MatMul(CpuWorkerPool pool, Scratch scratch, float* x, int rows, CpuWeight w, float* bias, float* y);

    /// <summary>Paged attention of the batch's query rows over layer <paramref name="layer"/>'s cache.</summary>
    public abstract void Attention(CpuWorkerPool pool, Scratch scratch, float* q, CpuKvCache cache, int layer, AttentionBatch batch,
        int qHeads, float scale, int slidingWindow, float* output);

    /// <summary>The grouped LoRA delta of a planned op over slots stored as <paramref name="slotType"/>.</summary>
    public abstract void Lora(CpuWorkerPool pool, LoraPlan plan, TensorDType slotType);

    public abstract void RmsNorm(float* x, float* weight, float eps, int rows, int dim, float* y);
    public abstract void Rope(float* x, int tokens, int heads, int headDim, ReadOnlySpan<int> positions, RopeTable table);
    public abstract void SiluMul(float* gate, float* up, float* output, long n);
    public abstract void Add(float* a, float* b, long n);

    public abstract void Dispose();
}
