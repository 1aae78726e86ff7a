using InferenceServer.KvCache;
using InferenceServer.Scheduling.Tests.Support;

namespace InferenceServer.Scheduling.Tests;

public class SchedulerTests
{
    [Fact]
    public void A_long_prompt_is_chunked_while_running_requests_keep_decoding()
    {
        var scheduler = new Scheduler(new KvCacheManager(64, 4), new SchedulerOptions { MaxNumBatchedTokens = 16 });
        scheduler.Add(Drive.Request(1, 8, 50));
        var first = Drive.Step(scheduler);
        Assert.Equal(8, Assert.Single(first).NumNewTokens);

        scheduler.Add(Drive.Request(2, 40, 5, firstToken: 2000));
        int start = 0;
        for (int step = 0; step < 2; step++)
        {
            var items = Drive.Step(scheduler);
            var decode = Drive.Of(items, 1);
            Assert.Equal(1, decode.NumNewTokens);
            Assert.False(decode.IsPrefill);
            var chunk = Drive.Of(items, 2);
            Assert.True(chunk.IsPrefill);
            Assert.Equal(start, chunk.StartPosition);
            Assert.Equal(15, chunk.NumNewTokens);
            start += 15;
        }
        // The last 10 tokens finish the prompt and sample the first token.
        var last = Drive.Of(Drive.Step(scheduler), 2);
        Assert.Equal((10, true), (last.NumNewTokens, last.ProducesToken));
        Assert.Equal(1, scheduler.Running.Single(r => r.Id == 2).NumGeneratedTokens);
    }

    [Fact]
    public void Long_prefill_chunk_caps_one_request_so_others_share_the_step()
    {
        var scheduler = new Scheduler(new KvCacheManager(64, 4), new SchedulerOptions { MaxNumBatchedTokens = 32, LongPrefillChunk = 10 });
        scheduler.Add(Drive.Request(1, 40, 2));
        scheduler.Add(Drive.Request(2, 40, 2, firstToken: 2000));
        scheduler.Add(Drive.Request(3, 40, 2, firstToken: 3000));
        var items = Drive.Step(scheduler);
        Assert.Equal([10, 10, 10], items.Select(i => i.NumNewTokens));
    }

    [Fact]
    public void The_sequence_cap_keeps_extra_requests_waiting()
    {
        var scheduler = new Scheduler(new KvCacheManager(64, 4), new SchedulerOptions { MaxNumSeqs = 2 });
        for (int id = 1; id <= 3; id++) scheduler.Add(Drive.Request(id, 4, 10, firstToken: id * 100));
        Assert.Equal([1L, 2L], Drive.Step(scheduler).Select(i => i.RequestId));
        Assert.Equal(3, Assert.Single(scheduler.Waiting).Id);
    }

    [Fact]
    public void A_request_finishes_on_max_tokens_frees_its_blocks_and_is_reported_next_step()
    {
        var kv = new KvCacheManager(16, 4);
        var scheduler = new Scheduler(kv, new SchedulerOptions());
        var request = Drive.Request(1, 6, 3);
        scheduler.Add(request);
        for (int i = 0; i < 3; i++) Drive.Step(scheduler);
        Assert.Equal(RequestStatus.Finished, request.Status);
        Assert.Equal([1, 1, 1], request.GeneratedTokens.ToArray());
        Assert.Equal(kv.NumBlocks, kv.FreeBlockCount);
        Drive.Step(scheduler, out _, out var finished);
        Assert.Equal([1L], finished);
        Assert.False(scheduler.HasUnfinished);
    }

    [Fact]
    public void Cancel_frees_blocks_at_once_and_removes_the_request_at_the_next_step()
    {
        var kv = new KvCacheManager(16, 4);
        var scheduler = new Scheduler(kv, new SchedulerOptions());
        scheduler.Add(Drive.Request(1, 10, 20));
        scheduler.Add(Drive.Request(2, 10, 20, firstToken: 2000));
        Drive.Step(scheduler);
        int before = kv.FreeBlockCount;
        Assert.True(scheduler.Cancel(1));
        Assert.True(kv.FreeBlockCount > before);
        Assert.False(scheduler.Cancel(1));
        var items = Drive.Step(scheduler, out _, out var finished);
        Assert.Equal([1L], finished);
        Assert.Equal(2, Assert.Single(items).RequestId);
        Assert.Equal(2, Assert.Single(scheduler.Running).Id);
    }

    [Fact]
    public void A_request_cancelled_between_step_and_update_is_skipped_by_the_update()
    {
        var kv = new KvCacheManager(16, 4);
        var scheduler = new Scheduler(kv, new SchedulerOptions());
        var request = Drive.Request(1, 10, 20);
        scheduler.Add(request);
        var output = scheduler.Step();
        scheduler.Cancel(1);
        scheduler.UpdateAfterStep([1]);
        Assert.Equal(0, request.NumGeneratedTokens);
        Assert.Equal(kv.NumBlocks, kv.FreeBlockCount);
        Assert.Same(output, scheduler.Step());
        Assert.True(output.Items.IsEmpty);
        Assert.False(scheduler.HasUnfinished);
    }

    [Fact]
    public void Finish_ends_a_request_on_eos_and_frees_its_blocks()
    {
        var kv = new KvCacheManager(16, 4);
        var scheduler = new Scheduler(kv, new SchedulerOptions());
        var request = Drive.Request(1, 10, 20);
        scheduler.Add(request);
        Drive.Step(scheduler);
        Assert.True(scheduler.Finish(1));
        Assert.Equal(RequestStatus.Finished, request.Status);
        Assert.Equal(kv.NumBlocks, kv.FreeBlockCount);
        Assert.Empty(scheduler.Running);
        Drive.Step(scheduler, out _, out var finished);
        Assert.Equal([1L], finished);
    }

    [Fact]
    public void Add_rejects_duplicates_and_requests_larger_than_the_pool()
    {
        var scheduler = new Scheduler(new KvCacheManager(4, 4), new SchedulerOptions());
        scheduler.Add(Drive.Request(1, 4, 4));
        Assert.Throws<ArgumentException>(() => scheduler.Add(Drive.Request(1, 4, 4)));
        Assert.Throws<ArgumentException>(() => scheduler.Add(Drive.Request(2, 10, 7)));
    }

    [Fact]
    public void A_preempted_request_is_recomputed_and_its_cached_prefix_counts_as_computed()
    {
        // 12 blocks of 4: two requests of 16 + 20 tokens cannot both finish, so the later one is preempted.
        var kv = new KvCacheManager(12, 4);
        var scheduler = new Scheduler(kv, new SchedulerOptions());
        var a = Drive.Request(1, 16, 20);
        var b = Drive.Request(2, 16, 20, firstToken: 2000);
        scheduler.Add(a);
        scheduler.Add(b);
        long[] preempted = [];
        while (preempted.Length == 0) Drive.Step(scheduler, out preempted, out _);
        Assert.Equal([2L], preempted);
        Assert.Equal((RequestStatus.Preempted, 0, 1), (b.Status, b.NumComputedTokens, b.NumPreemptions));
        int generatedBefore = b.NumGeneratedTokens;

        ScheduledItem? readmitted = null;
        while (readmitted is null)
            readmitted = Drive.Step(scheduler).Cast<ScheduledItem?>().FirstOrDefault(i => i!.Value.RequestId == 2);
        // Its committed blocks stayed cached, freed tail first: the 3 blocks A took for its last 12 tokens were
        // B's uncommitted tail and its two newest full blocks, so the first 3 prompt blocks (12 tokens) remain.
        Assert.Equal(12, readmitted.Value.StartPosition);
        Assert.Equal(generatedBefore, b.NumGeneratedTokens - (readmitted.Value.ProducesToken ? 1 : 0));
        while (scheduler.HasUnfinished) Drive.Step(scheduler);
        Assert.Equal((20, 20), (a.NumGeneratedTokens, b.NumGeneratedTokens));
        Assert.Equal(kv.NumBlocks, kv.FreeBlockCount);
    }
}
