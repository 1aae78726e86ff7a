using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using InferenceServer.Benchmarking.Client;
using InferenceServer.Benchmarking.Datasets;
using InferenceServer.Benchmarking.Load;
using InferenceServer.Benchmarking.Metrics;
using InferenceServer.Benchmarking.Progress;
using InferenceServer.Benchmarking.Reporting;
using InferenceServer.Benchmarking.Results;
using InferenceServer.Benchmarking.Servers;
using InferenceServer.Benchmarking.Sessions;
using InferenceServer.Benchmarking.Sweeps;
using InferenceServer.Models.Manifests;
using Spectre.Console;

namespace InferenceServer.Cli.Commands;

/// <summary>
/// `bench serve`: load-tests any OpenAI-compatible server as vLLM's `vllm bench serve` does (TTFT, TPOT, ITL, E2E,
/// throughput, goodput; sweeps; JSON and PNG results), optionally starting our own server first. `bench compare`: ratios of two result files.
/// </summary>
internal static class BenchCommand
{
    public static Command Create() => new("bench", "Benchmark an OpenAI-compatible server (TTFT, TPOT, ITL, throughput) and compare results")
    {
        CreateServe(),
        CreateCompare(),
    };

    private static Command CreateServe()
    {
        var baseUrl = new Option<string>("--base-url") { Description = "Server to benchmark", DefaultValueFactory = _ => "http://127.0.0.1:8000" };
        var model = new Option<string?>("--model") { Description = "Model name in requests (default with --start-server: the manifest's name)" };
        var endpoint = new Option<string>("--endpoint") { Description = "completions or chat", DefaultValueFactory = _ => "completions" };
        var numPrompts = new Option<int>("--num-prompts") { Description = "Requests to send (with --duration: prompts to cycle through)", DefaultValueFactory = _ => 200 };
        var duration = new Option<double?>("--duration") { Description = "Send requests for this many seconds instead of --num-prompts" };
        var rate = new Option<string>("--request-rate") { Description = "Requests per second, or inf for all at once", DefaultValueFactory = _ => "inf" };
        var burstiness = new Option<double>("--burstiness") { Description = "Gamma shape of arrival gaps: 1 Poisson, <1 burstier, >1 more regular", DefaultValueFactory = _ => 1.0 };
        var maxConcurrency = new Option<int?>("--max-concurrency") { Description = "Most requests in flight at once" };
        var dataset = new Option<string>("--dataset") { Description = "random, shared-prefix or sharegpt", DefaultValueFactory = _ => "random" };
        var inputLen = new Option<int>("--input-len") { Description = "Prompt tokens (shared-prefix: tokens after the prefix)", DefaultValueFactory = _ => 1024 };
        var outputLen = new Option<int?>("--output-len") { Description = "Tokens to generate (default 128; sharegpt: the recorded answer's length)" };
        var rangeRatio = new Option<double>("--range-ratio") { Description = "Draw lengths from [len*(1-r), len*(1+r)]", DefaultValueFactory = _ => 0.0 };
        var prefixGroups = new Option<int>("--prefix-groups") { Description = "shared-prefix: distinct prefixes", DefaultValueFactory = _ => 4 };
        var prefixLen = new Option<int>("--prefix-len") { Description = "shared-prefix: tokens per prefix", DefaultValueFactory = _ => 256 };
        var datasetPath = new Option<string?>("--dataset-path") { Description = "sharegpt: the ShareGPT JSON file" };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "Tokenizer that counts tokens: model folder, tokenizer.json, tokenizer.model, .gguf or manifest (default with --start-server: the manifest's)" };
        var seed = new Option<int>("--seed") { Description = "Seed of the workload and the arrivals", DefaultValueFactory = _ => 0 };
        var warmup = new Option<int>("--warmup") { Description = "Requests sent one by one first and not measured", DefaultValueFactory = _ => 1 };
        var percentiles = new Option<string>("--percentiles") { Description = "Latency percentiles to report", DefaultValueFactory = _ => "50,90,99" };
        var goodput = new Option<string[]>("--goodput") { Description = "SLOs in ms for goodput, e.g. --goodput ttft:200 tpot:50 (e2el too)", AllowMultipleArgumentsPerToken = true };
        var resultJson = new Option<string?>("--result-json") { Description = "Write the configuration, figures and requests to this JSON file" };
        var plotDir = new Option<string?>("--plot-dir") { Description = "Write PNG plots (TTFT and E2E CDFs; throughput and latency for a sweep) here" };
        var sweep = new Option<string?>("--sweep") { Description = "Run several points: max-concurrency=1,2,4 or request-rate=1,2,inf" };
        var startServer = new Option<string?>("--start-server") { Description = "Start our server on this model manifest (a free port, gRPC off) and stop it at the end" };
        var serverArgs = new Option<string[]>("--server-arg") { Description = "Extra argument for the started server (repeatable), e.g. --server-arg=--max-num-seqs=8" };
        var apiKey = new Option<string?>("--api-key") { Description = $"Bearer key (default: ${ServeCommand.ApiKeyVariable})" };
        var noIgnoreEos = new Option<bool>("--no-ignore-eos") { Description = "Let requests stop at EOS instead of generating exactly --output-len tokens" };
        var timeout = new Option<double>("--request-timeout") { Description = "Seconds before a request counts as failed", DefaultValueFactory = _ => 600.0 };

        var command = new Command("serve", "Load-test an OpenAI-compatible server with streaming requests; report TTFT, TPOT, ITL, E2E latency, throughput and goodput")
        {
            baseUrl, model, endpoint, numPrompts, duration, rate, burstiness, maxConcurrency, dataset, inputLen, outputLen, rangeRatio,
            prefixGroups, prefixLen, datasetPath, tokenizer, seed, warmup, percentiles, goodput, resultJson, plotDir, sweep,
            startServer, serverArgs, apiKey, noIgnoreEos, timeout,
        };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            string? manifestPath = r.GetValue(startServer);
            var manifest = manifestPath is null ? null : ModelManifest.Load(manifestPath);
            string dsName = r.GetValue(dataset)!;
            var config = new BenchmarkConfig
            {
                BaseUrl = r.GetValue(baseUrl)!,
                Endpoint = r.GetValue(endpoint)!,
                Model = r.GetValue(model) ?? manifest?.Name ?? throw new ArgumentException("--model is required (or --start-server MANIFEST)"),
                Tokenizer = r.GetValue(tokenizer) ?? manifest?.ModelPath ?? throw new ArgumentException("--tokenizer is required to count tokens (a model folder, tokenizer.json, tokenizer.model, .gguf or manifest)"),
                Dataset = new DatasetSpec
                {
                    Name = dsName,
                    InputLen = r.GetValue(inputLen),
                    OutputLen = r.GetValue(outputLen) ?? (dsName == "sharegpt" ? null : 128),
                    RangeRatio = r.GetValue(rangeRatio),
                    PrefixGroups = r.GetValue(prefixGroups),
                    PrefixLen = r.GetValue(prefixLen),
                    Path = r.GetValue(datasetPath),
                },
                Load = new LoadPlan
                {
                    RequestRate = SweepSpec.ParseRate(r.GetValue(rate)!),
                    Burstiness = r.GetValue(burstiness),
                    MaxConcurrency = r.GetValue(maxConcurrency),
                    NumPrompts = r.GetValue(numPrompts),
                    DurationSeconds = r.GetValue(duration),
                    Seed = r.GetValue(seed),
                },
                Warmup = r.GetValue(warmup),
                IgnoreEos = !r.GetValue(noIgnoreEos),
                Percentiles = ParsePercentiles(r.GetValue(percentiles)!),
                Goodput = GoodputSlos.Parse(r.GetValue(goodput) ?? []).ToString(),
                Sweep = r.GetValue(sweep) is { } s ? $"{SweepSpec.Parse(s).Parameter}={string.Join(',', SweepSpec.Parse(s).Values.Select(SweepSpec.Format))}" : null,
                StartedServer = manifest?.ManifestPath,
            };
            var endpointKind = config.Endpoint switch
            {
                "completions" => EndpointKind.Completions,
                "chat" => EndpointKind.Chat,
                _ => throw new ArgumentException($"--endpoint must be completions or chat (got '{config.Endpoint}')"),
            };
            if (config.Warmup < 0) throw new ArgumentException($"--warmup must be 0 or more (got {config.Warmup})");
            var options = new RunOptions(endpointKind, r.GetValue(apiKey) ?? Environment.GetEnvironmentVariable(ServeCommand.ApiKeyVariable),
                TimeSpan.FromSeconds(r.GetValue(timeout)), r.GetValue(resultJson), r.GetValue(plotDir), r.GetValue(serverArgs) ?? []);
            return RunAsync(config, options).GetAwaiter().GetResult();
        }));
        return command;
    }

    private sealed record RunOptions(EndpointKind Endpoint, string? ApiKey, TimeSpan Timeout, string? ResultJson, string? PlotDir, string[] ServerArgs);

    private static async Task<int> RunAsync(BenchmarkConfig config, RunOptions options)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        var console = OpenConsole();
        var tokenizer = BenchTokenizer.Load(config.Tokenizer!);
        int count = config.Load.NumPrompts;
        console.WriteLine($"building {count} {config.Dataset.Name} prompts (seed {config.Load.Seed})");
        var prompts = DatasetFactory.Build(tokenizer, config.Dataset, count, config.Load.Seed);

        await using var server = config.StartedServer is { } manifest ? await StartServerAsync(console, manifest, options.ServerArgs, cancel.Token).ConfigureAwait(false) : null;
        if (server is not null) config = config with { BaseUrl = server.BaseUrl.ToString().TrimEnd('/') };
        using var http = new HttpClient { BaseAddress = new Uri(config.BaseUrl.TrimEnd('/') + "/"), Timeout = options.Timeout };
        if (options.ApiKey is { Length: > 0 } key) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var runner = new LoadRunner(new OpenAiStreamingClient(http, options.Endpoint, config.Model, config.IgnoreEos));
        var session = new BenchmarkSession(runner, console, ProgressDisplays.ForConsole(console));
        try
        {
            var report = await session.RunAsync(config, prompts, cancel.Token).ConfigureAwait(false);
            session.Save(report, options.ResultJson, options.PlotDir);
            return 0;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("error: cancelled");
            return CommandErrors.Failure;
        }
    }

    private static async Task<ChildServer> StartServerAsync(IAnsiConsole console, string manifest, string[] extra, CancellationToken cancellation)
    {
        // Run our own CLI again: the apphost directly, or `dotnet inference-server.dll` when started through dotnet.
        string self = Environment.ProcessPath ?? throw new IOException("cannot tell how this program was started");
        string[] prefix = Path.GetFileNameWithoutExtension(self) == "dotnet" ? [typeof(BenchCommand).Assembly.Location] : [];
        console.WriteLine($"starting the server on {manifest}");
        var server = await ChildServer.StartAsync(self, prefix, manifest, extra, TimeSpan.FromMinutes(5), cancellation).ConfigureAwait(false);
        console.WriteLine($"server ready at {server.BaseUrl}");
        return server;
    }

    private static IAnsiConsole OpenConsole()
    {
        var console = AnsiConsole.Console;
        // Redirected output gets Spectre's 80 columns, which wraps the wide tables; logs can be wider.
        if (Console.IsOutputRedirected) console.Profile.Width = 160;
        return console;
    }

    private static List<double> ParsePercentiles(string text)
    {
        var values = new List<double>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) || p is < 0 or > 100)
                throw new ArgumentException($"--percentiles expects numbers in [0, 100] separated by commas (got '{part}')");
            values.Add(p);
        }
        return values;
    }

    private static Command CreateCompare()
    {
        var a = new Argument<string>("a") { Description = "Baseline result JSON" };
        var b = new Argument<string>("b") { Description = "Result JSON to compare with the baseline" };
        var command = new Command("compare", "Print b / a for each headline figure of two `bench serve --result-json` files") { a, b };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            string pathA = r.GetValue(a)!, pathB = r.GetValue(b)!;
            var rows = ResultComparison.Compare(ResultJson.Read(pathA), ResultJson.Read(pathB));
            ResultConsole.WriteComparison(OpenConsole(), rows, pathA, pathB);
            return 0;
        }));
        return command;
    }
}
