using InferenceServer.Scheduling.Tests.Support;
using Xunit.Abstractions;

namespace InferenceServer.Scheduling.Tests.Properties;

public class RandomWorkloadTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, 4, 48, 32, 8, 0, false)]
    [InlineData(2, 16, 12, 64, 16, 0, true)]
    [InlineData(3, 8, 24, 24, 6, 8, false)]
    [InlineData(4, 4, 40, 48, 32, 16, true)]
    [InlineData(5, 2, 100, 16, 4, 0, true)]
    [InlineData(6, 16, 16, 128, 64, 32, false)]
    public void Every_request_matches_running_alone_and_nothing_leaks(
        int seed, int blockSize, int numBlocks, int budget, int maxSeqs, int chunk, bool priority)
    {
        var options = new SchedulerOptions { MaxNumBatchedTokens = budget, MaxNumSeqs = maxSeqs, LongPrefillChunk = chunk > 0 ? chunk : null };
        IPreemptionPolicy policy = priority ? new PriorityPolicy() : new FcfsPolicy();
        var run = new RandomSchedulerWorkload(seed, blockSize, numBlocks, options, policy);
        run.Run(numRequests: 150, endEarlyRate: 0.03);
        CheckOutcome(run);
    }

    [Fact]
    public void The_check_fails_when_the_paged_kv_is_corrupted()
    {
        // The fake model reads earlier positions only through the block tables, so wrong KV must show up.
        var run = new RandomSchedulerWorkload(1, 4, 48, new SchedulerOptions { MaxNumBatchedTokens = 32, MaxNumSeqs = 8 }, new FcfsPolicy());
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() =>
        {
            run.Run(numRequests: 150, endEarlyRate: 0.03, corruptAtStep: 200);
            CheckOutcome(run);
        });
    }

    private void CheckOutcome(RandomSchedulerWorkload run)
    {
        // Idle again: every block back in the pool, no sequence left in the block manager.
        Assert.Equal(run.Kv.NumBlocks, run.Kv.FreeBlockCount);
        Assert.Equal(0, run.Kv.SequenceCount);
        Assert.Empty(run.Scheduler.Running);
        Assert.Empty(run.Scheduler.Waiting);

        int preemptions = 0, chunked = 0;
        foreach (var track in run.Runner.Tracks.Values)
        {
            var request = track.Request;
            Assert.Equal(RequestStatus.Finished, request.Status);
            preemptions += track.Preemptions;
            if (track.WasChunked) chunked++;
            var alone = FakeModel.RunAlone(request.PromptTokens, request.MaxTokens, request.Namespace);
            if (run.EndedEarly.Contains(request.Id))
            {
                // Whatever it produced before it was cancelled or stopped is still right.
                Assert.Equal(alone.AsSpan(0, request.NumGeneratedTokens).ToArray(), request.GeneratedTokens.ToArray());
                continue;
            }
            Assert.Equal(alone, request.GeneratedTokens.ToArray());
            Assert.Equal(track.Preemptions, request.NumPreemptions);
            // Every position but the last sampled token is computed once, plus what preemption threw away,
            // minus what the prefix cache supplied.
            Assert.Equal(request.NumTokens - 1 + track.LostToPreemption, track.Scheduled + track.CachedAtAdmission);
        }
        var stats = run.Kv.Stats;
        output.WriteLine($"steps {run.Runner.Steps}, mixed prefill+decode steps {run.Runner.MixedSteps}, preemptions {preemptions}, " +
            $"chunked prompts {chunked}, ended early {run.EndedEarly.Count}, hit rate {stats.HitRate:P1}");
        // The workload is meant to exercise all of these; a run that did not proves less.
        Assert.True(preemptions > 0, "the pool never forced a preemption");
        Assert.True(stats.HitTokens > 0, "no prefix was reused");
        Assert.True(run.Runner.MixedSteps > 0, "prefill never ran beside decode");
        Assert.True(chunked > 0, "no prompt was split into chunks");
        Assert.NotEmpty(run.EndedEarly);
    }
}
