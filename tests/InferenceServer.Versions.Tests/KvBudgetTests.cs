using InferenceServer.Versions.Repository;

namespace InferenceServer.Versions.Tests;

public sealed class KvBudgetTests
{
    [Fact]
    public void Shares_split_the_budget_at_start_and_keep_unloaded_versions_parts_free()
    {
        var budget = new KvBudget(1200, new Dictionary<string, double> { ["m@1"] = 2, ["m@3"] = 1 });
        var parts = budget.ReserveAtStart(["m@1", "m@2"]);
        // Shares 2 + 1 (default) + 1 (m@3, not loaded): 300 bytes a share.
        Assert.Equal(600, parts["m@1"]);
        Assert.Equal(300, parts["m@2"]);
        Assert.Equal(300, budget.Free);
        Assert.Equal(300, budget.Reserve("m@3", null));
        Assert.Equal(0, budget.Free);
    }

    [Fact]
    public void A_load_takes_what_it_asks_or_what_is_free_and_an_unload_gives_it_back()
    {
        var budget = new KvBudget(1000, new Dictionary<string, double>());
        budget.ReserveAtStart(["m@1"]);
        var full = Assert.Throws<InvalidOperationException>(() => budget.Reserve("m@2", null));
        Assert.Contains("0 of the 1000-byte budget are free (held: m@1 1000)", full.Message, StringComparison.Ordinal);
        budget.Release("m@1");
        Assert.Equal(400, budget.Reserve("m@2", 400));
        Assert.Equal(600, budget.Reserve("m@3", null));
        Assert.Throws<InvalidOperationException>(() => budget.Reserve("m@3", 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => budget.Reserve("m@4", 0));
    }

    [Fact]
    public void Without_a_budget_every_engine_sizes_its_own_cache()
    {
        var budget = new KvBudget(null, new Dictionary<string, double>());
        Assert.Equal([null], budget.ReserveAtStart(["m@1"]).Values);
        Assert.Null(budget.Reserve("m@2", null));
    }
}
