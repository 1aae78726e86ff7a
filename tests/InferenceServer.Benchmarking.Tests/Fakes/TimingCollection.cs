namespace InferenceServer.Benchmarking.Tests.Fakes;

/// <summary>Tests that assert on wall-clock timings run alone, not beside other test classes competing for the cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "timing";
}
