using InferenceServer.Backends.Cpu;
using InferenceServer.Engine;
using InferenceServer.Server.Admin;
using InferenceServer.Server.Admission;
using InferenceServer.Server.Configuration;
using InferenceServer.Server.Grpc;
using InferenceServer.Server.Metrics;
using InferenceServer.Server.OpenAi.Endpoints;
using InferenceServer.Server.OpenAi.Errors;
using InferenceServer.Server.Security;
using InferenceServer.Server.Serving;
using InferenceServer.Server.Sessions;
using InferenceServer.Server.Versions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace InferenceServer.Server.Hosting;

/// <summary>
/// Builds the server around a loaded model: Kestrel with an HTTP/1.1+2 port for the OpenAI API, health and
/// metrics, and a cleartext HTTP/2 port for gRPC; error, auth and admission rules; graceful shutdown.
/// </summary>
public static class ServerHost
{
    /// <param name="options">Validated settings.</param>
    /// <param name="model">The model to serve; the caller disposes it after the app has stopped.</param>
    /// <param name="configuration">Extra configuration (logging levels and the like).</param>
    public static WebApplication Build(ServerOptions options, ServedModel model, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Build(options, model, () => model.Engine.Stats, (admission, metrics, state) =>
            ModelCatalog.Single(new GenerationService(model, admission, metrics, state, options.RetryAfterSeconds)), configuration);
    }

    /// <param name="options">Validated settings.</param>
    /// <param name="models">The repository models (<c>--models-dir</c>); the caller disposes them after the app has stopped.</param>
    /// <param name="configuration">Extra configuration (logging levels and the like).</param>
    public static WebApplication Build(ServerOptions options, LoadedRepository models, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(models);
        if (models.Count == 0) throw new ArgumentException("no models to serve", nameof(models));
        var first = models[0];
        // Versions come and go at run time, so the first model's engines are summed as they are when scraped (the
        // catalog labels the other models' metrics with their own names); admissions count as its waiting only when it is alone.
        ModelCatalog? catalog = null;
        return Build(options, first.Versions[first.Repository.Routing.Stable], () => catalog?.Models[first.Repository.Name].EngineStats ?? EngineStatsSum.Of([]),
            (admission, metrics, state) => catalog = RepositoryCatalog.Create(options, models, admission, metrics, state), configuration, admittedAreWaiting: models.Count == 1);
    }

    /// <param name="primary">The model whose engine the engine gauges and un-routed calls (tokenize, gRPC, LoRA admin) use.</param>
    /// <param name="stats">The engine statistics the metrics export under the primary model's name.</param>
    /// <param name="admittedAreWaiting">Whether admitted sequences not yet running count as the primary model's waiting ones (not when other models share the admissions).</param>
    private static WebApplication Build(ServerOptions options, ServedModel primary, Func<EngineStats> stats, Func<AdmissionController, ServerMetrics, ServerState, ModelCatalog> catalogOf, IConfiguration? configuration, bool admittedAreWaiting = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        var model = primary;
        ServerConfiguration.Validate(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        if (configuration is not null) builder.Configuration.AddConfiguration(configuration);

        var listeners = new ListenerEndpoints();
        ConfigureKestrel(builder.WebHost, options, listeners);
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(options.ShutdownGraceSeconds));

        var state = new ServerState();
        var admission = new AdmissionController(options.Engine.MaxNumSeqs + options.MaxWaiting);
        var metrics = new ServerMetrics(model.Name, stats, admittedAreWaiting ? () => admission.InFlight : null);
        // vLLM exports the adapter gauge only when LoRA is enabled.
        if (options.Engine.EnableLora)
        {
            _ = new LoraRequestsInfo(metrics.Registry, options.Engine.MaxLoras, () => model.Engine.Stats, () => model.Adapters.Loading);
            _ = new LoraRequestCounts(metrics.Registry, model.Name, () => model.Engine.Stats);
        }
        if (model.Engine.Core.Backend is CpuBackend cpu) CpuPathInfo.Register(metrics.Registry, cpu);
        var catalog = catalogOf(admission, metrics, state);
        _ = new RoutingMetrics(metrics.Registry, catalog);
        var services = builder.Services;
        services.AddSingleton(options).AddSingleton(model).AddSingleton(state).AddSingleton(listeners)
            .AddSingleton(admission).AddSingleton(metrics).AddSingleton(new ApiKeyCheck(options.ApiKeys))
            .AddSingleton(catalog).AddSingleton(catalog.Default);
        services.AddGrpc(g =>
        {
            g.Interceptors.Add<GrpcErrorInterceptor>();
            g.MaxReceiveMessageSize = (int)Math.Min(options.MaxRequestBodyBytes, int.MaxValue);
        });
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks()
            .AddCheck("model", () => state.Failure is { } failure ? HealthCheckResult.Unhealthy(failure)
                : state.IsStopping ? HealthCheckResult.Unhealthy("shutting down") : HealthCheckResult.Healthy());

        var app = builder.Build();
        state.Attach(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("InferenceServer.Engine"), app.Lifetime.StopApplication);
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            state.BeginStopping();
            // Readiness answers 503 while the listeners still take connections, so load balancers move away first.
            if (options.ShutdownReadinessDelaySeconds > 0) Thread.Sleep(TimeSpan.FromSeconds(options.ShutdownReadinessDelaySeconds));
            state.StopEnginesAfter(DrainDeadline(options.ShutdownGraceSeconds));
        });
        app.Lifetime.ApplicationStopped.Register(state.CancelEngineStop);
        if (catalog.Models.Count > 0)
        {
            RoutingLog.AttachAndWatch(catalog, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("InferenceServer.Versions"));
            var evaluator = new CanaryEvaluator(catalog, TimeSpan.FromSeconds(options.CanaryEvaluationIntervalSeconds));
            app.Lifetime.ApplicationStopped.Register(() =>
            {
                evaluator.Dispose();
                catalog.Dispose();
            });
        }
        app.UseMiddleware<ErrorMiddleware>();
        app.UseStatusCodePages(WriteStatusCodeErrorAsync);
        app.UseMiddleware<ApiKeyMiddleware>();
        app.UseMiddleware<GrpcMessageValidationMiddleware>();
        MapEndpoints(app);
        return app;
    }

    /// <summary>When, in the grace period, generations still running are ended: shortly before Kestrel cuts connections.</summary>
    private static TimeSpan DrainDeadline(double graceSeconds) => TimeSpan.FromSeconds(graceSeconds - Math.Min(1, graceSeconds / 4));

    private static void ConfigureKestrel(IWebHostBuilder web, ServerOptions options, ListenerEndpoints listeners)
    {
        var address = ListenerEndpoints.Parse(options.Host);
        web.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            k.Listen(address, options.Port, l =>
            {
                // HTTP/2 needs TLS (ALPN) on a port that also speaks HTTP/1.1; cleartext stays HTTP/1.1 there.
                l.Protocols = options.TlsCertificatePath is null ? HttpProtocols.Http1 : HttpProtocols.Http1AndHttp2;
                UseTls(l, options);
                listeners.Http = l;
            });
            if (options.GrpcPort < 0) return;
            // Cleartext HTTP/2 only, so plain gRPC clients connect with prior knowledge (no TLS, no upgrade).
            k.Listen(address, options.GrpcPort, l =>
            {
                l.Protocols = HttpProtocols.Http2;
                UseTls(l, options);
                listeners.Grpc = l;
            });
        });
    }

    private static void UseTls(ListenOptions listen, ServerOptions options)
    {
        if (options.TlsCertificatePath is { } path) listen.UseHttps(path, options.TlsCertificatePassword);
    }

    private static void MapEndpoints(WebApplication app)
    {
        app.MapGet("/health", HealthEndpoints.HealthAsync);
        app.MapGet("/ready", HealthEndpoints.ReadyAsync);
        app.MapGet("/v1/models", ModelsEndpoint.Handle);
        app.MapPost("/v1/completions", CompletionsEndpoint.HandleAsync);
        app.MapPost("/v1/chat/completions", ChatCompletionsEndpoint.HandleAsync);
        app.MapPost("/v1/load_lora_adapter", LoraAdapterEndpoints.LoadAsync);
        app.MapPost("/v1/unload_lora_adapter", LoraAdapterEndpoints.UnloadAsync);
        app.MapPost("/tokenize", TokenizeEndpoints.TokenizeAsync);
        app.MapPost("/detokenize", TokenizeEndpoints.DetokenizeAsync);
        app.MapGet("/metrics", MetricsEndpoint.HandleAsync);
        RoutingAdminEndpoints.Map(app);
        app.MapGrpcService<InferenceGrpcService>();
        app.MapGrpcReflectionService();
        app.MapGrpcHealthChecksService();
    }

    /// <summary>Unknown routes and wrong methods answer in OpenAI's error format too.</summary>
    private static Task WriteStatusCodeErrorAsync(StatusCodeContext status)
    {
        var context = status.HttpContext;
        int code = context.Response.StatusCode;
        string message = code switch
        {
            404 => $"Unknown route {context.Request.Method} {context.Request.Path}.",
            405 => $"Method {context.Request.Method} is not allowed on {context.Request.Path}.",
            _ => $"HTTP {code}.",
        };
        return ErrorResponses.WriteAsync(context, new ApiError(code, message, ErrorTypes.InvalidRequest));
    }
}
