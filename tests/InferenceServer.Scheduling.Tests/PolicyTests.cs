using InferenceServer.KvCache;
using InferenceServer.Scheduling.Tests.Support;

namespace InferenceServer.Scheduling.Tests;

public class PolicyTests
{
    [Fact]
    public void Fcfs_orders_by_arrival_and_preempts_the_latest()
    {
        var scheduler = new Scheduler(new KvCacheManager(12, 4), new SchedulerOptions(), new FcfsPolicy());
        // Priorities are ignored by FCFS.
        for (int id = 1; id <= 3; id++) scheduler.Add(Drive.Request(id, 8, 30, priority: -id, firstToken: id * 100));
        Assert.Equal([1L, 2L, 3L], Drive.Step(scheduler).Select(i => i.RequestId));
        long[] preempted = [];
        while (preempted.Length == 0) Drive.Step(scheduler, out preempted, out _);
        Assert.Equal([3L], preempted);
    }

    [Fact]
    public void Priority_runs_the_most_important_first_and_preempts_the_least_important_latest()
    {
        var scheduler = new Scheduler(new KvCacheManager(12, 4), new SchedulerOptions(), new PriorityPolicy());
        scheduler.Add(Drive.Request(1, 8, 30, priority: 2, firstToken: 100));
        scheduler.Add(Drive.Request(2, 8, 30, priority: 0, firstToken: 200));
        scheduler.Add(Drive.Request(3, 8, 30, priority: 2, firstToken: 300));
        Assert.Equal([2L, 1L, 3L], Drive.Step(scheduler).Select(i => i.RequestId));
        long[] preempted = [];
        while (preempted.Length == 0) Drive.Step(scheduler, out preempted, out _);
        Assert.Equal([3L], preempted);
        Assert.Equal([2L, 1L], scheduler.Running.Select(r => r.Id));
    }

    [Fact]
    public void Priority_policy_breaks_ties_by_arrival()
    {
        var policy = new PriorityPolicy();
        var early = Drive.Request(1, 1, 1, priority: 1);
        var late = Drive.Request(2, 1, 1, priority: 1);
        var scheduler = new Scheduler(new KvCacheManager(4, 4), new SchedulerOptions(), policy);
        scheduler.Add(early);
        scheduler.Add(late);
        Assert.True(policy.Compare(early, late) < 0);
        Assert.True(policy.Compare(Drive.Request(3, 1, 1, priority: 0), early) < 0);
    }
}
