using System.Net;

namespace InferenceServer.Server.Tests.Versions;

/// <summary>
/// The admin API's numbers at the edges of their types (-1, 0, 1e308, long.MaxValue, out of range) are 400s naming
/// the field, not 500s from an overflow further in, and the routing they would have changed stays as it was.
/// </summary>
public sealed class AdminLimitTests : IAsyncLifetime
{
    private VersionedTestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await VersionedTestServer.StartAsync("""{ "stable": "1" }""", o => o.KvCacheShares["story@2"] = 1);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("/admin/routing/story/weight", "{\"weight\": -1}", "weight")]
    [InlineData("/admin/routing/story/weight", "{\"weight\": 100.5}", "weight")]
    [InlineData("/admin/routing/story/weight", "{\"weight\": 1e308}", "weight")]
    [InlineData("/admin/routing/story/faults", "{\"version\": \"1\", \"error_rate\": -0.1}", "error_rate")]
    [InlineData("/admin/routing/story/faults", "{\"version\": \"1\", \"error_rate\": 1e308}", "error_rate")]
    [InlineData("/admin/routing/story/faults", "{\"version\": \"1\", \"added_latency_ms\": -1}", "added_latency_ms")]
    [InlineData("/admin/routing/story/faults", "{\"version\": \"1\", \"added_latency_ms\": 1e308}", "added_latency_ms")]
    [InlineData("/admin/models/story/versions/2/load", "{\"kv_cache_memory\": 0}", "kv_cache_memory")]
    [InlineData("/admin/models/story/versions/2/load", "{\"kv_cache_memory\": -1}", "kv_cache_memory")]
    [InlineData("/admin/models/story/versions/2/load", "{\"kv_cache_memory\": 9223372036854775808}", "kv_cache_memory")]
    [InlineData("/admin/models/story/versions/1/unload", "{\"grace_seconds\": -1}", "grace_seconds")]
    [InlineData("/admin/models/story/versions/1/unload", "{\"grace_seconds\": 1e308}", "grace_seconds")]
    public async Task Admin_values_at_the_edges_are_400s_naming_the_field(string path, string body, string field)
    {
        var before = await _server.Http.GetStringAsync("/admin/routing");
        var (response, error) = await Json.PostRawAsync(_server.Http, path, body);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path} {body}: HTTP {(int)response.StatusCode} {error.ToJsonString()}");
        Assert.Contains(field, error["error"]!["message"].Str() + " " + error["error"]!["param"], StringComparison.Ordinal);
        Assert.Equal(before, await _server.Http.GetStringAsync("/admin/routing"));
    }

    [Fact]
    public async Task A_kv_cache_of_long_max_bytes_is_refused_with_what_is_free()
    {
        var (response, error) = await Json.PostRawAsync(_server.Http, "/admin/models/story/versions/2/load", "{\"kv_cache_memory\": 9223372036854775807}");
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("9223372036854775807 bytes of KV cache", error["error"]!["message"].Str(), StringComparison.Ordinal);
        Assert.Contains("free", error["error"]!["message"].Str(), StringComparison.Ordinal);
    }
}
