using InferenceServer.Versions.Shadow;

namespace InferenceServer.Versions.Tests;

public sealed class ShadowRecorderTests
{
    [Fact]
    public void Exact_match_rate_counts_only_compared_answers_and_errors_are_kept_apart()
    {
        var recorder = new ShadowRecorder();
        recorder.Record("3", failed: false, matched: true, TimeSpan.FromMilliseconds(100));
        recorder.Record("3", failed: false, matched: false, TimeSpan.FromMilliseconds(300));
        recorder.Record("3", failed: false, matched: null, TimeSpan.FromMilliseconds(200));   // sampled, not greedy
        recorder.Record("3", failed: true, matched: null, TimeSpan.FromMilliseconds(200));
        var s = recorder.For("3");
        Assert.Equal((4L, 1L, 2L, 1L), (s.Requests, s.Errors, s.Compared, s.Matches));
        Assert.Equal(0.5, s.ExactMatchRate);
        Assert.Equal(TimeSpan.FromMilliseconds(200), s.MeanLatency);
        Assert.Equal(ShadowStats.Empty, recorder.For("other"));
    }
}
