using System.CommandLine;
using System.Globalization;
using InferenceServer.Server.Configuration;
using InferenceServer.Server.Hosting;
using InferenceServer.Server.Serving;
using InferenceServer.Server.Versions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace InferenceServer.Cli.Commands;

/// <summary>
/// `serve`: runs the OpenAI-compatible HTTP server and the gRPC server for one model until SIGTERM / Ctrl+C.
/// Settings come from appsettings.json, a --config file, INFERENCE_SERVER_* environment variables, then flags.
/// </summary>
internal static class ServeCommand
{
    /// <summary>The API key from the environment when no --api-key is given (as vLLM reads VLLM_API_KEY).</summary>
    public const string ApiKeyVariable = "INFERENCE_SERVER_API_KEY";

    public static Command Create()
    {
        var flags = new List<(Option Option, string Key)>();
        Option<T> Flag<T>(string name, string key, string description, string? alias = null)
        {
            var option = alias is null ? new Option<T>(name) { Description = description } : new Option<T>(name, alias) { Description = description };
            flags.Add((option, key));
            return option;
        }

        Flag<string>("--model", "Model", "Model manifest (.json), Hugging Face folder or .gguf file", "-m");
        Flag<string>("--models-dir", "ModelsDir", "Model repository folder (instead of --model): every version its routing files name, with canary routing");
        Flag<string>("--served-model-name", "ServedModelName", "Name clients use in \"model\" (default: the manifest's name)");
        Flag<string>("--host", "Host", "Address to bind: an IP, 'localhost' or '*' (default 127.0.0.1)");
        Flag<int>("--port", "Port", "HTTP port for the OpenAI API, health and metrics (default 8000; 0 picks one)");
        Flag<int>("--grpc-port", "GrpcPort", "Cleartext HTTP/2 gRPC port (default 8001; 0 picks one, -1 turns gRPC off)");
        Flag<int>("--max-num-seqs", "MaxNumSeqs", "Most requests running at once (default 64)");
        Flag<int>("--max-num-batched-tokens", "MaxNumBatchedTokens", "Most tokens in one forward pass (default 512)");
        Flag<int>("--max-model-len", "MaxModelLen", "Context length cap (default: the model's / manifest's)");
        Flag<long>("--kv-cache-memory", "KvCacheMemoryBytes", "Bytes of the KV cache (default: a share of available memory)");
        Flag<int>("--block-size", "BlockSize", "Tokens per KV-cache block (default 16)");
        Flag<int>("--threads", "Threads", "CPU threads for kernels (default 0: all cores)", "-t");
        Flag<string>("--device", "Device", "cpu, cuda, auto (default: CUDA when a GPU can be used, else CPU) or cuda-emulation");
        Flag<double>("--gpu-memory-utilization", "GpuMemoryUtilization", "Share of GPU memory for weights, activations and KV cache (default 0.9)");
        Flag<bool>("--enforce-eager", "EnforceEager", "Run decode steps op by op instead of replaying captured CUDA graphs");
        Flag<string>("--dtype", "DType", "Store weight matrices as f32, f16, bf16 or q8_0 (default: as in the manifest or file)");
        Flag<int>("--max-waiting", "MaxWaiting", "Requests queued beyond --max-num-seqs before 429 (default 256)");
        Flag<long>("--max-request-body", "MaxRequestBodyBytes", "Largest request body in bytes (default 4 MiB; 413 beyond)");
        Flag<double>("--shutdown-grace", "ShutdownGraceSeconds", "Seconds in-flight requests may finish after SIGTERM (default 10); those still running then end with an error event / 503");
        Flag<double>("--shutdown-readiness-delay", "ShutdownReadinessDelaySeconds", "Seconds /ready answers 503 after SIGTERM before the listeners close (default 1)");
        Flag<string>("--tls-certificate", "TlsCertificatePath", "PFX certificate: serve HTTPS and gRPC over TLS (password: INFERENCE_SERVER_Server__TlsCertificatePassword)");
        Flag<bool>("--enable-lora", "EnableLora", "Serve LoRA adapters chosen per request by \"model\" (or gRPC's adapter field)");
        Flag<int>("--max-lora-rank", "MaxLoraRank", "Largest LoRA rank accepted (default 16, at most 64)");
        Flag<int>("--max-loras", "MaxLoras", "LoRA adapters that can run in one batch (default 4)");
        Flag<int>("--max-cpu-loras", "MaxCpuLoras", "LoRA adapters kept in host memory; others are reloaded when named (default: --max-loras)");
        Flag<string>("--lora-dtype", "LoraDType", "Storage of LoRA matrices in the adapter slots: auto (float32 for f32 weights, else bfloat16), float32 or bfloat16");
        var loraModules = new Option<string[]>("--lora-modules")
        {
            Description = "LoRA adapters loaded at start: name=path ... (or vLLM's JSON {\"name\": ..., \"path\": ...})",
            AllowMultipleArgumentsPerToken = true,
        };
        var loraDirs = new Option<string[]>("--lora-dirs")
        {
            Description = "Directories /v1/load_lora_adapter may read adapters from (none: loading at run time is off)",
            AllowMultipleArgumentsPerToken = true,
        };
        var apiKeys = new Option<string[]>("--api-key") { Description = $"Accepted API key (repeatable; default: ${ApiKeyVariable}); none: no authentication" };
        var noPrefixCaching = new Option<bool>("--no-prefix-caching") { Description = "Do not share prompt KV blocks between requests" };
        var closedProbes = new Option<bool>("--protect-health-and-metrics") { Description = "Require the API key for /health, /ready and /metrics too" };
        var settings = new Option<string?>("--config") { Description = "JSON settings file (a \"Server\" section, as in appsettings.json)" };

        var command = new Command("serve", "Serve a model over the OpenAI-compatible HTTP API (SSE streaming) and gRPC, with Prometheus metrics at /metrics");
        foreach (var (option, _) in flags) command.Options.Add(option);
        command.Options.Add(apiKeys);
        command.Options.Add(loraModules);
        command.Options.Add(loraDirs);
        command.Options.Add(noPrefixCaching);
        command.Options.Add(closedProbes);
        command.Options.Add(settings);
        command.SetAction(r => CommandErrors.Run(() =>
        {
            var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            // Only flags given on the command line override the files and the environment.
            foreach (var (option, key) in flags)
                if (r.GetResult(option) is { Implicit: false } result)
                    values[$"{ServerOptions.Section}:{key}"] = Convert.ToString(result.GetValueOrDefault<object?>(), CultureInfo.InvariantCulture);
            var keys = r.GetValue(apiKeys) is { Length: > 0 } given ? given
                : Environment.GetEnvironmentVariable(ApiKeyVariable) is { Length: > 0 } fromEnv ? [fromEnv] : [];
            AddList(values, "ApiKeys", keys);
            AddList(values, "LoraModules", r.GetValue(loraModules));
            AddList(values, "LoraDirs", r.GetValue(loraDirs));
            if (r.GetValue(noPrefixCaching)) values[$"{ServerOptions.Section}:EnablePrefixCaching"] = "false";
            if (r.GetValue(closedProbes)) values[$"{ServerOptions.Section}:OpenHealthAndMetrics"] = "false";
            return Run(r.GetValue(settings), values);
        }));
        return command;
    }

    /// <summary>A list flag as indexed configuration keys, which bind to an IList option.</summary>
    private static void AddList(Dictionary<string, string?> values, string key, string[]? items)
    {
        for (int i = 0; i < (items?.Length ?? 0); i++) values[$"{ServerOptions.Section}:{key}:{i}"] = items![i];
    }

    private static int Run(string? settingsFile, Dictionary<string, string?> flags)
    {
        var builder = new ConfigurationBuilder();
        ServerConfiguration.AddSources(builder, settingsFile, flags);
        var configuration = builder.Build();
        var options = ServerConfiguration.Bind(configuration);
        if (!string.IsNullOrWhiteSpace(options.ModelsDir)) return RunRepository(options, configuration);
        using var model = ServedModel.Load(options);
        using var app = ServerHost.Build(options, model, configuration);
        Console.Out.WriteLine(model.Engine.Core.DeviceDescription);
        return Serve(app, options, $"{model.Name} (context {model.MaxContext})");
    }

    private static int RunRepository(ServerOptions options, IConfiguration configuration)
    {
        var models = RepositoryLoader.Load(options);
        try
        {
            using var app = ServerHost.Build(options, models, configuration);
            string what = string.Join(", ", models.Select(m => $"{m.Repository.Name} (versions {string.Join(", ", m.Versions.Keys)})"));
            return Serve(app, options, what);
        }
        finally
        {
            foreach (var m in models) m.Dispose();
        }
    }

    private static int Serve(WebApplication app, ServerOptions options, string what)
    {
        app.Start();
        var ports = app.Services.GetRequiredService<ListenerEndpoints>();
        string scheme = options.TlsCertificatePath is null ? "http" : "https";
        Console.Out.WriteLine($"serving {what} on {scheme}://{options.Host}:{ports.HttpPort} (OpenAI API, /health, /ready, /metrics)"
            + (ports.GrpcPort >= 0 ? $" and gRPC on {options.Host}:{ports.GrpcPort}" : ""));
        Console.Out.Flush();
        // Returns after SIGTERM / Ctrl+C once in-flight requests finished or the grace period ran out.
        app.WaitForShutdown();
        // An engine that failed for good stopped the server: exit non-zero so a supervisor restarts it.
        if (app.Services.GetRequiredService<ServerState>().Failure is { } failure)
        {
            Console.Error.WriteLine($"error: {failure}; stopped");
            return 1;
        }
        Console.Out.WriteLine("stopped");
        return 0;
    }
}
