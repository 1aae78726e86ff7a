using InferenceServer.Backends.Cpu.Kernels;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Backends.Cpu;

/// <summary>Matrix multiplication dispatch: GEMV for a few rows (decode), packed GEMM for many (prefill).</summary>
public sealed unsafe partial class CpuBackend
{
    private const int GemvMaxRows = 4;
    private readonly GemvWork<F32RowLoader> _gemvF32 = new();
    private readonly GemvWork<F16RowLoader> _gemvF16 = new();
    private readonly GemvWork<BF16RowLoader> _gemvBF16 = new();
    private readonly GemmWork<F32RowLoader> _gemmF32 = new();
    private readonly GemmWork<F16RowLoader> _gemmF16 = new();
    private readonly GemmWork<BF16RowLoader> _gemmBF16 = new();
    private readonly GemmWork<Q8_0RowLoader> _gemmQ8 = new();

    public void MatMul(DeviceBuffer x, int rows, IDeviceWeight weight, IDeviceWeight? bias, DeviceBuffer y)
    {
        var w = (CpuWeight)weight;
        float* b = bias is CpuWeight cb ? cb.Floats : null;
        float* px = (float*)x.Pointer, py = (float*)y.Pointer;
        if (x.Length < (long)rows * w.Columns || y.Length < (long)rows * w.Rows)
            throw new ArgumentException($"{w.Name}: buffers too small for {rows} rows");
        switch (w.DType)
        {
            case TensorDType.F32:
                if (rows <= GemvMaxRows) Gemv(_gemvF32, px, rows, w, b, py);
                else Gemm(_gemmF32, px, rows, w, b, py);
                break;
            case TensorDType.F16:
                if (rows <= GemvMaxRows) Gemv(_gemvF16, px, rows, w, b, py);
                else Gemm(_gemmF16, px, rows, w, b, py);
                break;
            case TensorDType.BF16:
                if (rows <= GemvMaxRows) Gemv(_gemvBF16, px, rows, w, b, py);
                else Gemm(_gemmBF16, px, rows, w, b, py);
                break;
            case TensorDType.Q8_0:
                if (rows <= GemvMaxRows) GemvQ8(px, rows, w, b, py);
                else if (GemmQ8_0Work.IsSupported) GemmQ8(px, rows, w, b, py);
                else Gemm(_gemmQ8, px, rows, w, b, py);
                break;
            default:
                throw new NotSupportedException($"{w.Name}: dtype {w.DType}");
        }
    }

    private float* InLoaderOrder<TLoader>(float* x, int rows, int k) where TLoader : struct, IRowChunkLoader
    {
        if (!TLoader.LaneOrdered) return x;
        float* p = _scratch.Permuted((long)rows * k);
        for (int r = 0; r < rows; r++) HalfBits.ToLaneOrder(x + (long)r * k, p + (long)r * k, k);
        return p;
    }

    private void Gemv<TLoader>(GemvWork<TLoader> work, float* x, int rows, CpuWeight w, float* bias, float* y)
        where TLoader : struct, IRowChunkLoader
    {
        work.Set(InLoaderOrder<TLoader>(x, rows, w.Columns), rows, w, bias, y);
        _pool.Run(work, w.Rows, GemvGrain(w.Rows));
    }

    private void GemvQ8(float* x, int rows, CpuWeight w, float* bias, float* y)
    {
        int k = w.Columns, blocks = k / 32;
        sbyte* q = _scratch.QuantizedActivations((long)rows * k);
        float* scales = _scratch.ActivationScales((long)rows * blocks);
        Q8Activations.QuantizeRows(x, rows, k, q, scales);
        var work = _gemvQ8;
        work.Set(x, rows, w, bias, y);
        work.Xq = q;
        work.XScales = scales;
        _pool.Run(work, w.Rows, GemvGrain(w.Rows));
    }

    private void GemmQ8(float* x, int rows, CpuWeight w, float* bias, float* y)
    {
        int k = w.Columns;
        var work = _gemmQ8Int;
        work.Set(x, rows, w, bias, y);
        work.Pack(_scratch.QuantizedActivations((long)rows * k), _scratch.ActivationScales((long)rows * (k / 32)));
        _pool.Run(work, work.Items, grain: 1);
    }

    private void Gemm<TLoader>(GemmWork<TLoader> work, float* x, int rows, CpuWeight w, float* bias, float* y)
        where TLoader : struct, IRowChunkLoader
    {
        work.Set(InLoaderOrder<TLoader>(x, rows, w.Columns), rows, w, bias, y);
        _pool.Run(work, work.Items, grain: 1);
    }

    // Enough chunks for dynamic balancing across threads, big enough that the shared counter stays cold.
    private int GemvGrain(int rows) => Math.Max(8, rows / (Threads * 16));
}
