using System.Net.Http.Headers;
using Grpc.Net.Client;
using InferenceServer.Backends;
using InferenceServer.Engine;
using InferenceServer.Server.Configuration;
using InferenceServer.Server.Hosting;
using InferenceServer.Server.Serving;
using InferenceServer.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace InferenceServer.Server.Tests;

/// <summary>A real server on loopback (dynamic HTTP and gRPC ports) serving the bundled TinyStories model.</summary>
public sealed class TestServer : IAsyncDisposable
{
    public static string Manifest => Path.Combine(SharedModels.RepositoryRoot, "models", "tinystories-656k", "1.json");

    private TestServer(WebApplication app, ServedModel model, ServerOptions options)
    {
        App = app;
        Model = model;
        Options = options;
        var ports = (ListenerEndpoints)app.Services.GetService(typeof(ListenerEndpoints))!;
        BaseAddress = new Uri($"http://127.0.0.1:{ports.HttpPort}/");
        GrpcAddress = new Uri($"http://127.0.0.1:{ports.GrpcPort}/");
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Grpc = GrpcChannel.ForAddress(GrpcAddress);
    }

    public WebApplication App { get; }
    public ServedModel Model { get; }
    public ServerOptions Options { get; }
    public Uri BaseAddress { get; }
    public Uri GrpcAddress { get; }
    public HttpClient Http { get; }
    public GrpcChannel Grpc { get; }

    public static async Task<TestServer> StartAsync(Action<ServerOptions>? configure = null)
    {
        var options = new ServerOptions
        {
            Model = Manifest,
            Port = 0,
            GrpcPort = 0,
            Engine = new EngineOptions { Device = ComputeDevice.Auto, Threads = 1, KvCacheMemoryBytes = 8 << 20, MaxNumSeqs = 8 },
            MaxWaiting = 8,
            MaxRequestBodyBytes = 64 << 10,
            ShutdownGraceSeconds = 10,
            // Tests stop many servers; the readiness delay has its own test.
            ShutdownReadinessDelaySeconds = 0,
        };
        configure?.Invoke(options);
        var model = ServedModel.Load(options);
        var logging = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
        }).Build();
        var app = ServerHost.Build(options, model, logging);
        await app.StartAsync();
        return new TestServer(app, model, options);
    }

    /// <summary>An HttpClient carrying a bearer key.</summary>
    public HttpClient ClientWithKey(string key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Grpc.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Model.Dispose();
    }
}
