using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using InferenceServer.Backends;
using InferenceServer.Benchmarking.Client;
using InferenceServer.Benchmarking.Datasets;
using InferenceServer.Benchmarking.Load;
using InferenceServer.Benchmarking.Metrics;
using InferenceServer.Engine;
using InferenceServer.Server.Configuration;
using InferenceServer.Server.Hosting;
using InferenceServer.Server.Serving;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceServer.LoadTest;

/// <summary>
/// Load test of the real server on loopback: starts it in-process on the bundled model, runs N streaming clients
/// for a fixed time through <c>bench serve</c>'s client, then checks that every KV block is free again. Prints p50/p99
/// TTFT (<c>bench serve</c>'s figures) and tokens/s; exits 1 on any error other than 429 or on leaked blocks.
/// </summary>
internal static class Program
{
    private const string Prompt = "Once upon a time";

    private static int Main(string[] args)
    {
        var clients = new Option<int>("--clients") { Description = "Concurrent streaming clients", DefaultValueFactory = _ => 64 };
        var seconds = new Option<int>("--seconds") { Description = "How long the clients run", DefaultValueFactory = _ => 60 };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Tokens per request", DefaultValueFactory = _ => 128 };
        var model = new Option<string>("--model") { Description = "Model manifest", DefaultValueFactory = _ => "models/tinystories-656k/1.json" };
        var maxNumSeqs = new Option<int>("--max-num-seqs") { Description = "Server: requests running at once", DefaultValueFactory = _ => 32 };
        var maxWaiting = new Option<int>("--max-waiting") { Description = "Server: requests queued beyond that before 429", DefaultValueFactory = _ => 16 };
        var threads = new Option<int>("--threads") { Description = "Server: kernel threads (0: all cores)" };
        var disconnect = new Option<double>("--disconnect-fraction") { Description = "Share of clients that leave each stream after 1-10 events", DefaultValueFactory = _ => 0 };
        var root = new RootCommand("Streams completions from many clients against an in-process server on loopback and reports TTFT and tokens/s")
        {
            clients, seconds, maxTokens, model, maxNumSeqs, maxWaiting, threads, disconnect,
        };
        root.SetAction(r => RunAsync(
            new ServerOptions
            {
                Model = r.GetValue(model)!,
                Port = 0,
                GrpcPort = -1,
                MaxWaiting = r.GetValue(maxWaiting),
                Engine = new EngineOptions { Device = ComputeDevice.Auto, MaxNumSeqs = r.GetValue(maxNumSeqs), Threads = r.GetValue(threads), KvCacheMemoryBytes = 64L << 20 },
            },
            new LoadSettings(r.GetValue(clients), TimeSpan.FromSeconds(r.GetValue(seconds)), r.GetValue(maxTokens), r.GetValue(disconnect))).GetAwaiter().GetResult());
        return root.Parse(args).Invoke();
    }

    private static async Task<int> RunAsync(ServerOptions options, LoadSettings settings)
    {
        var (clientCount, duration, maxTokens, disconnectFraction) = settings;
        using var model = ServedModel.Load(options);
        var logging = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" }).Build();
        await using var app = ServerHost.Build(options, model, logging);
        await app.StartAsync().ConfigureAwait(false);
        int port = app.Services.GetRequiredService<ListenerEndpoints>().HttpPort;
        // No draining of an unread answer on dispose: a disconnecting client really leaves.
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clientCount, MaxResponseDrainSize = 0 })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
            Timeout = duration + TimeSpan.FromMinutes(2),
        };
        var client = new OpenAiStreamingClient(http, EndpointKind.Completions, model.Name);
        var prompt = new BenchPrompt(Prompt, model.Tokenizer.Encode(Prompt).Length, maxTokens);
        int leaving = (int)Math.Round(clientCount * disconnectFraction);
        Console.WriteLine($"{clientCount} streaming clients ({leaving} leaving each stream early) for {duration.TotalSeconds:F0} s, {maxTokens} tokens per request, "
            + $"max-num-seqs {options.Engine.MaxNumSeqs}, max-waiting {options.MaxWaiting}, {Environment.ProcessorCount} cores");

        long start = Stopwatch.GetTimestamp();
        var until = DateTime.UtcNow + duration;
        // Resident memory of this process (server and clients) every 5 s: it should stay flat.
        var rss = new List<long>();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                using (var self = Process.GetCurrentProcess()) rss.Add(self.WorkingSet64);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), sampling.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });
        var all = await Task.WhenAll(Enumerable.Range(0, clientCount)
            .Select(i => Task.Run(() => new ClosedLoopClient(client, prompt, disconnects: i < leaving, seed: i).RunAsync(until, start)))).ConfigureAwait(false);
        var run = new RunOutcome([.. all.SelectMany(s => s.Outcomes)], Stopwatch.GetElapsedTime(start).TotalSeconds);
        await sampling.CancelAsync().ConfigureAwait(false);
        await sampler.ConfigureAwait(false);

        // Every stream has ended: the engine must be empty with all blocks free again.
        var engine = model.Engine;
        var settle = Stopwatch.StartNew();
        while ((engine.InFlight > 0 || engine.Stats.FreeBlocks != engine.Stats.TotalBlocks) && settle.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(10).ConfigureAwait(false);
        bool leaked = engine.InFlight > 0 || engine.Stats.FreeBlocks != engine.Stats.TotalBlocks;

        // bench serve's figures: TTFT over the completed streams, percentiles interpolated as numpy does.
        var metrics = RunMetricsCalculator.Compute(run, [99], new GoodputSlos());
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"requests: {metrics.Completed} completed, {all.Sum(s => s.Disconnected)} left mid-stream by their client, {all.Sum(s => s.Rejected)} rejected with 429, {metrics.Failed} errors"));
        if (rss.Count > 0)
            Console.WriteLine("resident memory every 5 s, MiB: " + string.Join(" ", rss.Select(b => (b >> 20).ToString(inv))));
        Console.WriteLine(string.Create(inv, $"TTFT: p50 {metrics.Ttft.Median:F1} ms, p99 {metrics.Ttft.Percentiles[LatencySummary.Key(99)]:F1} ms"));
        Console.WriteLine(string.Create(inv, $"generated: {metrics.TotalOutputTokens} tokens in {metrics.DurationSeconds:F1} s = {metrics.OutputThroughput:F1} tokens/s"));
        Console.WriteLine($"KV blocks afterwards: {engine.Stats.FreeBlocks} of {engine.Stats.TotalBlocks} free, {engine.InFlight} requests in flight");
        foreach (var (error, count) in metrics.Errors.Take(5)) Console.WriteLine(string.Create(inv, $"error ({count}x): {error}"));
        await app.StopAsync().ConfigureAwait(false);
        return metrics.Failed == 0 && !leaked ? 0 : 1;
    }
}
