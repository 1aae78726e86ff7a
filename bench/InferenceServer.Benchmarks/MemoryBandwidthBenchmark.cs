using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using InferenceServer.Backends.Cpu.Threading;

namespace InferenceServer.Benchmarks;

/// <summary>
/// The machine's read bandwidth with 2 threads (sum of a 512 MiB buffer): the ceiling for decode, which must read
/// every weight once per token. Measured in the same run as the model benchmarks because it swings a lot here.
/// </summary>
[Config(typeof(ModelBenchConfig))]
public unsafe class MemoryBandwidthBenchmark
{
    public const long Bytes = 512L << 20;
    private float* _data;
    private CpuWorkerPool _pool = null!;
    private readonly SumWork _work = new();

    private sealed class SumWork : ParallelWork
    {
        public float* Data;
        public readonly float[] Partial = new float[64];

        public override void Execute(int start, int end, int worker)
        {
            const int chunkFloats = 1 << 18;
            var acc0 = Vector512<float>.Zero;
            var acc1 = Vector512<float>.Zero;
            for (long c = start; c < end; c++)
            {
                float* p = Data + c * chunkFloats;
                for (int i = 0; i < chunkFloats; i += 32)
                {
                    acc0 += Vector512.Load(p + i);
                    acc1 += Vector512.Load(p + i + 16);
                }
            }
            Partial[worker] += Vector512.Sum(acc0 + acc1);
        }
    }

    [GlobalSetup]
    public void Setup()
    {
        _data = (float*)NativeMemory.AlignedAlloc((nuint)Bytes, 64);
        new Span<byte>(_data, (int)Bytes).Fill(1);
        _pool = new CpuWorkerPool(2);
        _work.Data = _data;
    }

    [Benchmark(Description = "read 512 MiB")]
    public float Read()
    {
        _pool.Run(_work, (int)(Bytes / 4 / (1 << 18)), grain: 4);
        return _work.Partial[0];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pool.Dispose();
        NativeMemory.AlignedFree(_data);
    }
}
