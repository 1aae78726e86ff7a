using InferenceServer.KvCache;
using InferenceServer.Scheduling.Tests.Support;

namespace InferenceServer.Scheduling.Tests;

public class AllocationFreeTests
{
    [Fact]
    public void Steady_state_steps_allocate_nothing()
    {
        var scheduler = new Scheduler(new KvCacheManager(1024, 16), new SchedulerOptions { MaxNumBatchedTokens = 256, MaxNumSeqs = 64 });
        var sampled = new int[64];
        // Warm-up wave: lists and the block manager's pools grow to 64 sequences once.
        AddWave(scheduler, 0);
        while (scheduler.HasUnfinished) StepOnce(scheduler, sampled);

        // Measured wave: prefill, decode and every finish. 120 tokens fit the 8 blocks a block table starts
        // with, so no table grows. Building the requests (the caller's job) happens before measuring.
        AddWave(scheduler, 1000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        int steps = 0;
        while (scheduler.HasUnfinished)
        {
            StepOnce(scheduler, sampled);
            steps++;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(steps > 100);
        Assert.Equal(0, allocated);
    }

    private static void AddWave(Scheduler scheduler, int firstId)
    {
        for (int id = firstId; id < firstId + 64; id++) scheduler.Add(Drive.Request(id, 20, 100, firstToken: id * 1000));
    }

    private static void StepOnce(Scheduler scheduler, int[] sampled)
    {
        var output = scheduler.Step();
        scheduler.UpdateAfterStep(sampled.AsSpan(0, output.Items.Length));
    }
}
