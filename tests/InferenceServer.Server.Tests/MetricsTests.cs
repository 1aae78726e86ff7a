using System.Net;
using InferenceServer.Backends.Cpu.Simd;

namespace InferenceServer.Server.Tests;

/// <summary>/metrics under vLLM's names: counters move by what a request did, and process metrics are there.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task A_request_moves_the_vllm_counters_and_histograms_by_its_own_counts()
    {
        // Its own server, so no other test's requests move the counts in between.
        await using var server = await TestServer.StartAsync();
        string labels = $"model_name=\"{server.Model.Name}\"";
        Task<double> Read(string name, string? extra = null) => MetricsText.ReadAsync(server.Http, name, extra is null ? labels : labels + "," + extra);

        var response = await server.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        string text = await response.Content.ReadAsStringAsync();
        foreach (var name in new[]
                 {
                     "vllm:num_requests_running", "vllm:num_requests_waiting", "vllm:kv_cache_usage_perc", "vllm:prefix_cache_queries_total",
                     "vllm:prefix_cache_hits_total", "vllm:time_to_first_token_seconds", "vllm:time_per_output_token_seconds",
                     "vllm:inter_token_latency_seconds", "vllm:e2e_request_latency_seconds", "vllm:prompt_tokens_total",
                     "vllm:generation_tokens_total", "vllm:num_preemptions_total", "vllm:request_success_total",
                 })
            Assert.Contains("# TYPE " + name + " ", text, StringComparison.Ordinal);
        Assert.Contains("process_cpu_seconds_total", text, StringComparison.Ordinal);
        Assert.Contains("dotnet_collection_count_total", text, StringComparison.Ordinal);
        Assert.DoesNotContain("vllm__", text, StringComparison.Ordinal);

        var (_, first) = await Json.PostAsync(server.Http, "/v1/completions", new { prompt = "Once upon a time there was a little girl", max_tokens = 9, temperature = 0, ignore_eos = true });
        var (_, second) = await Json.PostAsync(server.Http, "/v1/completions", new { prompt = "Once upon a time there was a little girl", max_tokens = 9, temperature = 0, ignore_eos = true });
        int prompt = first["usage"]!["prompt_tokens"].Int();
        Assert.Equal(2 * prompt, await Read("vllm:prompt_tokens_total"));
        Assert.Equal(18, await Read("vllm:generation_tokens_total"));
        Assert.Equal(2, await Read("vllm:request_success_total", "finished_reason=\"length\""));
        Assert.Equal(0, await Read("vllm:request_success_total", "finished_reason=\"stop\""));
        Assert.Equal(2, await Read("vllm:time_to_first_token_seconds_count"));
        Assert.Equal(2, await Read("vllm:e2e_request_latency_seconds_count"));
        Assert.Equal(2 * 8, await Read("vllm:inter_token_latency_seconds_count"));
        // The second request found the first one's full prompt blocks in the prefix cache.
        int cached = second["usage"]!["prompt_tokens_details"]!["cached_tokens"].Int();
        Assert.True(await Read("vllm:prefix_cache_queries_total") >= 2 * prompt - 2);
        Assert.Equal(cached, await Read("vllm:prefix_cache_hits_total"));
        Assert.Equal(0, await Read("vllm:num_requests_running"));
        Assert.Equal(0, await Read("vllm:kv_cache_usage_perc"));
    }

    [Fact]
    public async Task The_cpu_kernel_path_in_use_is_exported()
    {
        await using var server = await TestServer.StartAsync();
        var isa = CpuIsaSupport.Best;
        string labels = $"path=\"{isa.ToString().ToLowerInvariant()}\",instructions=\"{CpuIsaSupport.Describe(isa)}\",threads=\"";
        string text = await server.Http.GetStringAsync("/metrics");
        Assert.Contains("# TYPE inference_server_cpu_kernel_path_info gauge", text, StringComparison.Ordinal);
        Assert.Contains("inference_server_cpu_kernel_path_info{" + labels, text, StringComparison.Ordinal);
    }
}
