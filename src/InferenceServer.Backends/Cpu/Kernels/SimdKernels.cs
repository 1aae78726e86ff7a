using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using InferenceServer.Backends.Cpu.Simd;
using InferenceServer.Backends.Cpu.Threading;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// The kernels of one path, generic over its SIMD width (<typeparamref name="TS"/>, <typeparamref name="TV"/>): one
/// preallocated work object per op and dtype, and the int8 Q8_0 kernels the path's ISA has (x86: AVX2 or AVX-VNNI
/// dot products; ARM64: sdot), or none, where Q8_0 weights are dequantized to float instead.
/// </summary>
internal sealed unsafe class SimdKernels<TS, TV> : CpuKernels where TS : struct, ISimd<TV> where TV : struct
{
    private readonly GemvWork<F32RowLoader, TS, TV> _gemvF32 = new();
    private readonly GemvWork<F16RowLoader, TS, TV> _gemvF16 = new();
    private readonly GemvWork<BF16RowLoader, TS, TV> _gemvBF16 = new();
    private readonly GemvWork<Q8_0RowLoader, TS, TV> _gemvQ8Float = new();
    private readonly GemmWork<F32RowLoader, TS, TV> _gemmF32;
    private readonly GemmWork<F16RowLoader, TS, TV> _gemmF16;
    private readonly GemmWork<BF16RowLoader, TS, TV> _gemmBF16;
    private readonly GemmWork<Q8_0RowLoader, TS, TV> _gemmQ8Float;
    private readonly Q8MatMulWork? _gemvQ8;
    private readonly Q8MatMulWork? _gemmQ8;
    private readonly PagedAttentionWork<F32Kv, TS, TV> _attentionF32 = new();
    private readonly PagedAttentionWork<BF16Kv, TS, TV> _attentionBF16 = new();
    private readonly LoraWork<F32Kv, TS, TV> _loraF32 = new();
    private readonly LoraWork<BF16Kv, TS, TV> _loraBF16 = new();

    public SimdKernels(CpuIsa isa, int threads) : base(isa)
    {
        _gemmF32 = new(threads);
        _gemmF16 = new(threads);
        _gemmBF16 = new(threads);
        _gemmQ8Float = new(threads);
        if (isa is CpuIsa.Avx512 or CpuIsa.Avx2)
        {
            _gemvQ8 = new GemvQ8_0Work<X86Q8Dot, X86Q8Weights, Vector256<float>>();
            _gemmQ8 = AvxVnni.IsSupported ? new GemmQ8_0Work<VnniTileDot>(threads) : new GemmQ8_0Work<Avx2TileDot>(threads);
        }
        else if (isa == CpuIsa.Neon && CpuIsaSupport.HasInt8DotInstruction(isa))
        {
            _gemvQ8 = new GemvQ8_0Work<NeonQ8Dot, NeonQ8Weights, Vector128<float>>();
        }
    }

    public override bool Int8Q8_0(int rows) => (rows <= GemvMaxRows ? _gemvQ8 : _gemmQ8) != null;

    public override void MatMul(CpuWorkerPool pool, Scratch scratch, float* x, int rows, CpuWeight w, float* bias, float* y)
    {
        bool gemv = rows <= GemvMaxRows;
        MatMulWork work = w.DType switch
        {
            TensorDType.F32 => gemv ? _gemvF32 : _gemmF32,
            TensorDType.F16 => gemv ? _gemvF16 : _gemmF16,
            TensorDType.BF16 => gemv ? _gemvBF16 : _gemmBF16,
            TensorDType.Q8_0 => (MatMulWork?)(gemv ? _gemvQ8 : _gemmQ8) ?? (gemv ? _gemvQ8Float : _gemmQ8Float),
            _ => throw new NotSupportedException($"{w.Name}: dtype {w.DType}"),
        };
        work.Set(x, rows, w, bias, y);
        if (work is Q8MatMulWork q8)
        {
            int k = w.Columns;
            q8.Xq = scratch.QuantizedActivations((long)rows * k);
            q8.XScales = scratch.ActivationScales((long)rows * (k / 32));
            Q8Activations<TS, TV>.QuantizeRows(x, rows, k, q8.Xq, q8.XScales);
            q8.Prepare();
        }
        pool.Run(work, work.Items, work.Grain(pool.ThreadCount));
    }

    public override void Attention(CpuWorkerPool pool, Scratch scratch, float* q, CpuKvCache cache, int layer, AttentionBatch batch,
        int qHeads, float scale, int slidingWindow, float* output)
    {
        if (cache.Layout.DType == TensorDType.BF16) Attention(_attentionBF16, pool, scratch, q, cache, layer, batch, qHeads, scale, slidingWindow, output);
        else Attention(_attentionF32, pool, scratch, q, cache, layer, batch, qHeads, scale, slidingWindow, output);
    }

    private static void Attention<TKv>(PagedAttentionWork<TKv, TS, TV> work, CpuWorkerPool pool, Scratch scratch, float* q, CpuKvCache c,
        int layer, AttentionBatch batch, int qHeads, float scale, int slidingWindow, float* output) where TKv : struct, IKvElements
    {
        var layout = c.Layout;
        int maxContext = 0;
        for (int s = 0; s < batch.SequenceCount; s++) maxContext = Math.Max(maxContext, batch.ContextLength[s]);
        work.Q = q;
        work.KCache = c.K(layer);
        work.VCache = c.V(layer);
        work.Output = output;
        work.Batch = batch;
        work.QHeads = qHeads;
        work.KvHeads = layout.NumKvHeads;
        work.HeadDim = layout.HeadDim;
        work.BlockSize = layout.BlockSize;
        work.Scale = scale;
        work.SlidingWindow = slidingWindow;
        work.Scores = scratch.Scores((long)(qHeads / layout.NumKvHeads) * maxContext);
        if (layout.DType != TensorDType.F32)
        {
            long blocks = (maxContext + layout.BlockSize - 1) / layout.BlockSize + 1;
            work.Widened = scratch.Widened(2 * blocks * layout.BlockSize * layout.HeadDim);
        }
        int tiles = work.PlanTiles();
        pool.Run(work, tiles * layout.NumKvHeads, grain: 1);
    }

    public override void Lora(CpuWorkerPool pool, LoraPlan plan, TensorDType slotType)
    {
        if (slotType == TensorDType.BF16)
        {
            _loraBF16.Plan = plan;
            pool.Run(_loraBF16, plan.ItemCount);
        }
        else
        {
            _loraF32.Plan = plan;
            pool.Run(_loraF32, plan.ItemCount);
        }
    }

    public override void RmsNorm(float* x, float* weight, float eps, int rows, int dim, float* y) => NormKernels<TS, TV>.RmsNorm(x, weight, eps, rows, dim, y);

    public override void Rope(float* x, int tokens, int heads, int headDim, ReadOnlySpan<int> positions, RopeTable table)
        => RopeKernel<TS, TV>.Apply(x, tokens, heads, headDim, positions, table);

    public override void SiluMul(float* gate, float* up, float* output, long n) => ElementwiseKernels<TS, TV>.SiluMul(gate, up, output, n);

    public override void Add(float* a, float* b, long n) => ElementwiseKernels<TS, TV>.Add(a, b, n);

    public override void Dispose()
    {
        (_gemmQ8 as IDisposable)?.Dispose();
        _gemmF32.Dispose();
        _gemmF16.Dispose();
        _gemmBF16.Dispose();
        _gemmQ8Float.Dispose();
    }
}
