using InferenceServer.Engine;
using InferenceServer.Engine.Outputs;
using Prometheus;

namespace InferenceServer.Server.Metrics;

/// <summary>
/// The server's Prometheus metrics under vLLM's names (so existing dashboards and the Gateway API Inference
/// Extension read them), labelled by model_name, plus .NET process and GC metrics. Each server has its own
/// registry, so servers in one process (tests) do not mix their counts.
/// </summary>
public sealed class ServerMetrics
{
    // vLLM's bucket edges for request latencies (seconds).
    private static readonly double[] TtftBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
    private static readonly double[] ItlBuckets = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];
    private static readonly double[] E2eBuckets = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];

    private readonly string _model;
    private readonly Gauge.Child _running, _waiting, _kvUsage;
    private readonly Counter.Child _prefixQueries, _prefixHits, _preemptions, _promptTokens, _generationTokens;
    private readonly Counter _success;
    private readonly Histogram.Child _ttft, _itl, _tpot, _e2e;

    /// <param name="modelName">The model_name label.</param>
    /// <param name="stats">The model's engine statistics, read when scraped.</param>
    /// <param name="admitted">Sequences admitted to the server (all of them the model's); null: waiting is what the engines report.</param>
    public ServerMetrics(string modelName, Func<EngineStats> stats, Func<int>? admitted)
        : this(NewRegistry(), modelName, stats, admitted)
    {
    }

    private ServerMetrics(CollectorRegistry registry, string modelName, Func<EngineStats> stats, Func<int>? admitted)
    {
        ArgumentNullException.ThrowIfNull(stats);
        _model = modelName;
        Registry = registry;
        // The same names on the same registry give the same collectors, so each model adds its own labelled series.
        var f = Prometheus.Metrics.WithCustomRegistry(Registry);
        string[] model = ["model_name"];
        Gauge.Child G(string name, string help) => f.CreateGauge(name, help, model).WithLabels(modelName);
        Counter.Child C(string name, string help) => f.CreateCounter(name, help, model).WithLabels(modelName);
        Histogram.Child H(string name, string help, double[] buckets) =>
            f.CreateHistogram(name, help, model, new HistogramConfiguration { Buckets = buckets }).WithLabels(modelName);

        _running = G(VllmNames.Prefix + "num_requests_running", "Number of requests in model execution batches.");
        _waiting = G(VllmNames.Prefix + "num_requests_waiting", "Number of requests waiting to be processed.");
        _kvUsage = G(VllmNames.Prefix + "kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.");
        _prefixQueries = C(VllmNames.Prefix + "prefix_cache_queries_total", "Prefix cache queries, in terms of number of queried tokens.");
        _prefixHits = C(VllmNames.Prefix + "prefix_cache_hits_total", "Prefix cache hits, in terms of number of cached tokens.");
        _preemptions = C(VllmNames.Prefix + "num_preemptions_total", "Cumulative number of preemption from the engine.");
        _promptTokens = C(VllmNames.Prefix + "prompt_tokens_total", "Number of prefill tokens processed.");
        _generationTokens = C(VllmNames.Prefix + "generation_tokens_total", "Number of generation tokens processed.");
        _success = f.CreateCounter(VllmNames.Prefix + "request_success_total", "Count of successfully processed requests.", ["model_name", "finished_reason"]);
        _ttft = H(VllmNames.Prefix + "time_to_first_token_seconds", "Histogram of time to first token in seconds.", TtftBuckets);
        _itl = H(VllmNames.Prefix + "inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", ItlBuckets);
        _tpot = H(VllmNames.Prefix + "time_per_output_token_seconds", "Histogram of time per output token in seconds (deprecated name of inter-token latency).", ItlBuckets);
        _e2e = H(VllmNames.Prefix + "e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", E2eBuckets);
        // Every finish reason shows from the start (at 0), as in vLLM.
        foreach (var r in Enum.GetValues<FinishReason>()) _success.WithLabels(modelName, r.ToWire());

        // Engine gauges are read when scraped; cumulative engine counts are carried over as counter values.
        Registry.AddBeforeCollectCallback(() =>
        {
            var s = stats();
            _running.Set(s.RunningRequests);
            // Admitted sequences the engine has not scheduled yet are waiting too.
            _waiting.Set(admitted is null ? s.WaitingRequests : Math.Max(s.WaitingRequests, admitted() - s.RunningRequests));
            _kvUsage.Set(s.KvCacheUsage);
            _prefixQueries.IncTo(s.PrefixCache.QueryTokens);
            _prefixHits.IncTo(s.PrefixCache.HitTokens);
            _preemptions.IncTo(s.Preemptions);
        });
    }

    /// <summary>The registry /metrics exports.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>The metrics of another model served beside this one (a models folder), in the same registry under its own model_name.</summary>
    public ServerMetrics ForModel(string modelName, Func<EngineStats> stats) => new(Registry, modelName, stats, null);

    private static CollectorRegistry NewRegistry()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        DotNetStats.Register(registry);
        return registry;
    }

    /// <summary>Records one finished sequence: token counts, finish reason and its latencies.</summary>
    public void RecordFinished(FinishReason reason, int promptTokens, int completionTokens, TimeSpan? timeToFirstToken, TimeSpan endToEnd)
    {
        _success.WithLabels(_model, reason.ToWire()).Inc();
        _promptTokens.Inc(promptTokens);
        _generationTokens.Inc(completionTokens);
        if (timeToFirstToken is { } ttft) _ttft.Observe(ttft.TotalSeconds);
        _e2e.Observe(endToEnd.TotalSeconds);
        if (timeToFirstToken is { } first && completionTokens > 1)
            _tpot.Observe((endToEnd - first).TotalSeconds / (completionTokens - 1));
    }

    /// <summary>Records the gap between two tokens of one sequence.</summary>
    public void RecordInterToken(TimeSpan gap) => _itl.Observe(gap.TotalSeconds);
}
