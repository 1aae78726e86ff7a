using InferenceServer.Core.Errors;
using InferenceServer.Models.Adapters;
using InferenceServer.TestSupport;

namespace InferenceServer.Models.Tests.Adapters;

public sealed class LoraPathPolicyTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _root;
    private readonly string _outside;

    public LoraPathPolicyTests()
    {
        _root = Directory.CreateDirectory(_dir.File("adapters")).FullName;
        Directory.CreateDirectory(Path.Combine(_root, "good"));
        _outside = Directory.CreateDirectory(_dir.File("secrets")).FullName;
    }

    [Fact]
    public void Paths_inside_a_root_resolve_to_their_real_location()
    {
        var policy = new LoraPathPolicy([_root]);
        Assert.Equal(Path.Combine(_root, "good"), policy.Resolve(Path.Combine(_root, "good")));
        Assert.Equal(Path.Combine(_root, "good"), policy.Resolve(Path.Combine(_root, "x", "..", "good")));
    }

    [Fact]
    public void Traversal_absolute_paths_outside_and_a_sibling_with_the_same_prefix_are_refused()
    {
        var policy = new LoraPathPolicy([_root]);
        Directory.CreateDirectory(_root + "-evil");
        foreach (var path in new[] { Path.Combine(_root, "..", "secrets"), _outside, _root + "-evil", "/etc" })
        {
            var e = Assert.Throws<InferenceServerException>(() => policy.Resolve(path));
            Assert.Contains("outside the allowed adapter directories", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_symbolic_link_inside_a_root_that_points_outside_is_refused()
    {
        var policy = new LoraPathPolicy([_root]);
        Directory.CreateSymbolicLink(Path.Combine(_root, "link"), _outside);
        Assert.Throws<InferenceServerException>(() => policy.Resolve(Path.Combine(_root, "link")));
        Directory.CreateSymbolicLink(Path.Combine(_root, "inner"), Path.Combine(_root, "good"));
        Assert.Equal(Path.Combine(_root, "good"), policy.Resolve(Path.Combine(_root, "inner")));
    }

    [Fact]
    public void Without_roots_runtime_loading_is_disabled()
    {
        var e = Assert.Throws<InferenceServerException>(() => new LoraPathPolicy([]).Resolve(_root));
        Assert.Contains("disabled", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
