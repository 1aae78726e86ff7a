using System.Net.Http.Headers;
using Grpc.Net.Client;
using InferenceServer.Backends;
using InferenceServer.Engine;
using InferenceServer.Server.Configuration;
using InferenceServer.Server.Hosting;
using InferenceServer.Server.Versions;
using InferenceServer.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace InferenceServer.Server.Tests.Versions;

/// <summary>
/// A real server on loopback serving a temporary models folder: model "story" with version 1 (the bundled
/// safetensors, F32) and version 2 (its Q8_0 GGUF), routed by the routing.json the test writes.
/// </summary>
public sealed class VersionedTestServer : IAsyncDisposable
{
    public const string Model = "story";
    public const string Key = "admin-key";

    private readonly IReadOnlyList<VersionedModel> _models;

    private VersionedTestServer(string dir, WebApplication app, IReadOnlyList<VersionedModel> models)
    {
        Dir = dir;
        App = app;
        _models = models;
        var ports = (ListenerEndpoints)app.Services.GetService(typeof(ListenerEndpoints))!;
        var address = new Uri($"http://127.0.0.1:{ports.HttpPort}/");
        Anonymous = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        Grpc = GrpcChannel.ForAddress($"http://127.0.0.1:{ports.GrpcPort}/");
    }

    /// <summary>A gRPC channel to the server (calls need the key in their metadata).</summary>
    public GrpcChannel Grpc { get; }

    /// <summary>The temporary models folder.</summary>
    public string Dir { get; }
    public WebApplication App { get; }

    /// <summary>A client with the API key.</summary>
    public HttpClient Http { get; }

    /// <summary>A client without a key.</summary>
    public HttpClient Anonymous { get; }

    public string RoutingPath => Path.Combine(Dir, Model, "routing.json");

    /// <param name="routingJson">The model's routing.json.</param>
    /// <param name="configure">Changes to the server's options (KV-cache shares, say).</param>
    public static async Task<VersionedTestServer> StartAsync(string routingJson, Action<ServerOptions>? configure = null)
    {
        string dir = Path.Combine(Path.GetTempPath(), "versions-" + Guid.NewGuid().ToString("N"));
        string folder = Directory.CreateDirectory(Path.Combine(dir, Model)).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "1.json"),
            $$"""{"name": "{{Model}}", "version": "1", "path": "{{SharedModels.TinyStories}}", "dtype": "f32"}""");
        await File.WriteAllTextAsync(Path.Combine(folder, "2.json"),
            $$"""{"name": "{{Model}}", "version": "2", "path": "{{SharedModels.TinyStoriesQ8Gguf}}"}""");
        await File.WriteAllTextAsync(Path.Combine(folder, "routing.json"), routingJson);
        var options = new ServerOptions
        {
            ModelsDir = dir,
            Port = 0,
            GrpcPort = 0,
            Engine = new EngineOptions { Device = ComputeDevice.Auto, Threads = 1, KvCacheMemoryBytes = 16 << 20, MaxNumSeqs = 8 },
            MaxWaiting = 64,
            CanaryEvaluationIntervalSeconds = 0.2,
        };
        options.ApiKeys.Add(Key);
        configure?.Invoke(options);
        var models = RepositoryLoader.Load(options);
        var logging = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
        }).Build();
        var app = ServerHost.Build(options, models, logging);
        await app.StartAsync();
        return new VersionedTestServer(dir, app, models);
    }

    /// <summary>Posts a one-token completion for <paramref name="model"/>; returns the status, the version header and the body.</summary>
    public async Task<(int Status, string? Version, System.Text.Json.Nodes.JsonNode Body)> CompleteAsync(string? user, string model = Model)
    {
        var (response, body) = await Json.PostAsync(Http, "/v1/completions", new { model, prompt = "Once upon", max_tokens = 1, temperature = 0, user });
        string? version = response.Headers.TryGetValues(HttpRouting.VersionHeader, out var values) ? values.Single() : null;
        return ((int)response.StatusCode, version, body);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Anonymous.Dispose();
        Grpc.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        foreach (var m in _models) m.Dispose();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // A watcher may still hold the folder for a moment; the temp folder is cleaned up eventually.
        }
    }
}
