using System.Runtime.InteropServices;
using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Core.Tensors;
using InferenceServer.Cuda.Tests.Support;

namespace InferenceServer.Cuda.Tests.Conformance;

/// <summary>
/// gemv_q8_0_* against two references. (1) An independent double-precision product of the same float activations
/// and dequantized weights: the kernel may differ only by fp32 summation order and the final rounding. (2) The CPU
/// backend's MatMul on the same Q8_0 weight, which quantizes activations to int8 per 32-block (as llama.cpp) while the
/// kernel keeps them float: the difference is bounded per output by Σ_b |scale_b| · Σ_j |q_bj| · step_b / 2, with
/// step_b = max|x_b| / 127 the activation quantization step, and the test asserts that bound.
/// </summary>
[Trait("Category", "CudaConformance")]
public sealed class GemvQ8_0ConformanceTests : IDisposable
{
    private readonly CpuReference _cpu = new();

    public static TheoryData<KernelDType, int, int, int, bool> Cases()
    {
        var data = new TheoryData<KernelDType, int, int, int, bool>();
        // rows (decode batch; past 4 a second block row, past the CPU's GEMV its GEMM), out features, k, bias.
        (int Rows, int Out, int K, bool Bias)[] shapes =
        [
            (1, 1, 32, false),        // one block, one feature (seven idle warps)
            (1, 1024, 4096, false),   // a Llama-like projection slice
            (3, 100, 96, true),       // k not a multiple of four blocks, features not a multiple of the warps
            (4, 257, 256, false),
            (7, 33, 512, true),       // two block rows, the last partly filled
            (2, 17, 2048, true),
        ];
        foreach (var dtype in new[] { KernelDType.F32, KernelDType.F16, KernelDType.BF16 })
            foreach (var s in shapes) data.Add(dtype, s.Rows, s.Out, s.K, s.Bias);
        return data;
    }

    [Theory]
    [KernelCases(KernelDevices.Emulation, nameof(Cases))]
    [KernelCases(KernelDevices.Gpu, nameof(Cases))]
    public void Gemv_on_q8_0_weights_matches_the_float_product_and_the_cpu_backend_within_its_activation_quantization(string device,
        KernelDType dtype, int rows, int nOut, int k, bool withBias)
    {
        var rng = new Random(rows * 100_003 + nOut * 31 + k + (int)dtype);
        int blocks = k / 32;
        var (weight, scales, quants) = RandomQ8_0(rng, nOut, k);
        float[] x = DTypeCodec.Round(DTypeCodec.Random(rng, rows * k), dtype);
        float[] bias = withBias ? DTypeCodec.Round(DTypeCodec.Random(rng, nOut, 0.5f), dtype) : [];

        using var gpu = new DeviceScope(device);
        nint result = gpu.Allocate((long)rows * nOut * dtype.Size());
        GemvQ8_0Launch.Launch(gpu.Launcher, dtype, result, gpu.Upload(x, dtype), gpu.Upload(weight), withBias ? gpu.Upload(bias, dtype) : 0, rows, nOut, k);
        float[] actual = gpu.Download(result, rows * nOut, dtype);

        var exact = new float[rows * nOut];
        var slack = new double[rows * nOut];
        var quantBound = new double[rows * nOut];
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < nOut; o++)
            {
                double sum = withBias ? bias[o] : 0, magnitude = 0, bound = 0;
                for (int b = 0; b < blocks; b++)
                {
                    double s = scales[o * blocks + b], amax = 0, qAbs = 0;
                    for (int j = 0; j < 32; j++)
                    {
                        double xv = x[r * k + b * 32 + j], q = quants[(o * blocks + b) * 32 + j];
                        sum += s * q * xv;
                        magnitude += Math.Abs(s * q * xv);
                        amax = Math.Max(amax, Math.Abs(xv));
                        qAbs += Math.Abs(q);
                    }
                    bound += Math.Abs(s) * qAbs * (amax / 127) / 2;
                }
                exact[r * nOut + o] = (float)sum;
                // fp32 accumulation in another order: a few ulp of the terms' magnitude.
                slack[r * nOut + o] = 4e-7 * magnitude + 1e-6;
                quantBound[r * nOut + o] = bound;
            }
        CheckWithin("gemv_q8_0", dtype, device, exact, actual, i => Tolerance.Ulp(exact[i], dtype) + slack[i]);

        var cpuWeight = _cpu.Weight(weight, TensorDType.Q8_0, nOut, k);
        var y = _cpu.Backend.Allocate((long)rows * nOut);
        _cpu.Backend.MatMul(_cpu.Buffer(x), rows, cpuWeight, withBias ? _cpu.Weight(MemoryMarshal.AsBytes(bias.AsSpan()).ToArray(), TensorDType.F32, 1, nOut) : null, y);
        float[] cpu = _cpu.Read(y, rows * nOut);
        CheckWithin("gemv_q8_0_vs_cpu_q8_act", dtype, device, cpu, actual, i => quantBound[i] + Tolerance.Ulp(cpu[i], dtype) + slack[i]);
    }

    /// <summary>Asserts |actual − expected| ≤ tolerance(i) everywhere and records the worst error.</summary>
    private static void CheckWithin(string kernel, KernelDType dtype, string device, float[] expected, float[] actual, Func<int, double> tolerance)
    {
        double worstAbs = 0, worstUlps = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs((double)actual[i] - expected[i]);
            if (!(diff <= tolerance(i)))
                Assert.Fail($"{kernel} {dtype} on {device}: element {i} is {actual[i]}, reference {expected[i]} (tolerance {tolerance(i):E2})");
            worstAbs = Math.Max(worstAbs, diff);
            worstUlps = Math.Max(worstUlps, diff / Tolerance.Ulp(expected[i], dtype));
        }
        ErrorLedger.Record(kernel, dtype, device, expected.Length, worstAbs, worstUlps);
    }

    /// <summary>A Q8_0 weight [rows, k] with random fp16 scales and int8 weights, and both as plain arrays.</summary>
    private static (byte[] Bytes, float[] Scales, sbyte[] Quants) RandomQ8_0(Random rng, int rows, int k)
    {
        int blocks = rows * (k / 32);
        var bytes = new byte[blocks * GemvQ8_0Launch.BlockBytes];
        var scales = new float[blocks];
        var quants = new sbyte[blocks * 32];
        for (int b = 0; b < blocks; b++)
        {
            var scale = (Half)((rng.NextDouble() * 2 - 1) * 0.02);
            scales[b] = (float)scale;
            BitConverter.TryWriteBytes(bytes.AsSpan(b * GemvQ8_0Launch.BlockBytes), BitConverter.HalfToUInt16Bits(scale));
            for (int j = 0; j < 32; j++)
            {
                sbyte q = (sbyte)rng.Next(-127, 128);
                quants[b * 32 + j] = q;
                bytes[b * GemvQ8_0Launch.BlockBytes + 2 + j] = (byte)q;
            }
        }
        return (bytes, scales, quants);
    }

    public void Dispose() => _cpu.Dispose();
}
