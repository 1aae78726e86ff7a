using InferenceServer.Backends.Cpu.Threading;

namespace InferenceServer.Backends.Tests;

public sealed class CpuWorkerPoolTests
{
    private sealed class CountingWork(int items) : ParallelWork
    {
        public readonly int[] Hits = new int[items];
        public override void Execute(int start, int end, int worker)
        {
            for (int i = start; i < end; i++) Interlocked.Increment(ref Hits[i]);
        }
    }

    private sealed class FailingWork : ParallelWork
    {
        public override void Execute(int start, int end, int worker)
        {
            if (worker != 0) throw new InvalidDataException("boom");
            Thread.Sleep(5);
        }
    }

    [Fact]
    public void Every_item_runs_exactly_once_across_many_runs()
    {
        using var pool = new CpuWorkerPool(3);
        for (int run = 0; run < 200; run++)
        {
            var work = new CountingWork(1000 + run);
            pool.Run(work, work.Hits.Length, grain: 7);
            Assert.All(work.Hits, h => Assert.Equal(1, h));
        }
    }

    [Fact]
    public void A_failure_on_a_worker_thread_surfaces_to_the_caller_and_the_pool_keeps_working()
    {
        using var pool = new CpuWorkerPool(2);
        var e = Assert.Throws<InvalidOperationException>(() => pool.Run(new FailingWork(), 100, grain: 1));
        Assert.Contains("boom", e.Message, StringComparison.Ordinal);
        var work = new CountingWork(50);
        pool.Run(work, 50, grain: 3);
        Assert.All(work.Hits, h => Assert.Equal(1, h));
    }
}
