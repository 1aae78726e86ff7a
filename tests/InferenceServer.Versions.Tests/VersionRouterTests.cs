using InferenceServer.Versions.Config;
using InferenceServer.Versions.Routing;

namespace InferenceServer.Versions.Tests;

public sealed class VersionRouterTests
{
    private static readonly string[] Loaded = ["1", "2", "3"];

    private static RoutingConfig Config(double weight, string? shadow = null, double shadowRate = 0) =>
        new() { Model = "tiny", Stable = "1", Canary = "2", CanaryWeight = weight, ShadowVersion = shadow, ShadowSampleRate = shadowRate };

    [Theory]
    [InlineData(5)]
    [InlineData(25)]
    [InlineData(50)]
    public void The_canary_gets_its_weight_within_statistical_bounds_with_and_without_sticky_keys(double weight)
    {
        var router = new VersionRouter(seed: 1);
        const int N = 20_000;
        double p = weight / 100, sigma = Math.Sqrt(N * p * (1 - p));
        int random = 0, sticky = 0;
        for (int i = 0; i < N; i++)
        {
            if (router.Route(Config(weight), Loaded, null, null).Version == "2") random++;
            if (router.Route(Config(weight), Loaded, null, $"user-{i}").Version == "2") sticky++;
        }
        Assert.InRange(random, N * p - 5 * sigma, N * p + 5 * sigma);
        Assert.InRange(sticky, N * p - 5 * sigma, N * p + 5 * sigma);
    }

    [Fact]
    public void A_user_stays_on_its_version_and_canary_users_stay_on_the_canary_as_the_weight_grows()
    {
        var router = new VersionRouter(seed: 2);
        var atFive = Enumerable.Range(0, 2000).Select(i => $"u{i}").Where(u => router.Route(Config(5), Loaded, null, u).Version == "2").ToList();
        Assert.NotEmpty(atFive);
        foreach (var u in Enumerable.Range(0, 2000).Select(i => $"u{i}"))
        {
            string first = router.Route(Config(25), Loaded, null, u).Version;
            for (int k = 0; k < 5; k++) Assert.Equal(first, router.Route(Config(25), Loaded, null, u).Version);
        }
        Assert.All(atFive, u => Assert.Equal("2", router.Route(Config(25), Loaded, null, u).Version));
    }

    [Fact]
    public void A_pin_wins_over_weights_and_an_unknown_pin_is_not_found()
    {
        var router = new VersionRouter(seed: 3);
        for (int i = 0; i < 100; i++)
        {
            var d = router.Route(Config(100), Loaded, "1", $"u{i}");
            Assert.Equal(("1", RouteReason.Pinned, (string?)null), (d.Version, d.Reason, d.ShadowVersion));
        }
        Assert.Throws<KeyNotFoundException>(() => router.Route(Config(5), Loaded, "7", null));
    }

    [Fact]
    public void Shadow_copies_follow_the_sample_rate_and_never_replace_the_answering_version()
    {
        var router = new VersionRouter(seed: 4);
        const int N = 10_000;
        int shadowed = 0;
        for (int i = 0; i < N; i++)
        {
            var d = router.Route(Config(0, shadow: "3", shadowRate: 0.2), Loaded, null, null);
            Assert.Equal("1", d.Version);
            if (d.ShadowVersion == "3") shadowed++;
        }
        double sigma = Math.Sqrt(N * 0.2 * 0.8);
        Assert.InRange(shadowed, N * 0.2 - 5 * sigma, N * 0.2 + 5 * sigma);
    }
}
