using InferenceServer.Server.Admission;
using InferenceServer.Server.Metrics;
using InferenceServer.Server.Security;

namespace InferenceServer.Server.Tests;

/// <summary>The small pieces on their own: admission counting, key checks, metric renaming.</summary>
public sealed class UnitTests
{
    [Fact]
    public void Admission_admits_all_or_nothing_and_a_lease_returns_its_sequences_once()
    {
        var admission = new AdmissionController(3);
        Assert.True(admission.TryAdmit(2, out var two));
        Assert.False(admission.TryAdmit(2, out var none));
        Assert.Null(none);
        Assert.True(admission.TryAdmit(1, out var one));
        Assert.Equal(3, admission.InFlight);
        two.Dispose();
        two.Dispose();
        Assert.Equal(1, admission.InFlight);
        one!.Dispose();
        Assert.Equal(0, admission.InFlight);
    }

    [Fact]
    public void Api_keys_match_exactly_and_none_configured_means_off()
    {
        var keys = new ApiKeyCheck(["alpha", "beta", ""]);
        Assert.True(keys.Enabled);
        Assert.True(keys.IsValid("alpha"));
        Assert.True(keys.IsValid("beta"));
        Assert.False(keys.IsValid("alph"));
        Assert.False(keys.IsValid("alpha "));
        Assert.False(keys.IsValid(""));
        Assert.False(keys.IsValid(null));
        Assert.False(new ApiKeyCheck([]).Enabled);
    }

    [Fact]
    public void Metric_names_are_renamed_in_samples_and_comments_only()
    {
        string text = "# HELP vllm__x_total Help mentioning vllm__x.\n# TYPE vllm__x_total counter\nvllm__x_total{model_name=\"vllm__m\"} 3\nother 1\n";
        Assert.Equal("# HELP vllm:x_total Help mentioning vllm__x.\n# TYPE vllm:x_total counter\nvllm:x_total{model_name=\"vllm__m\"} 3\nother 1\n", VllmNames.Rewrite(text));
    }
}
