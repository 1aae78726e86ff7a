using InferenceServer.Engine;
using Microsoft.Extensions.Logging.Abstractions;

namespace InferenceServer.Server.Serving;

/// <summary>
/// Whether the server is shutting down or can no longer serve: /ready turns 503 and new generations are refused while
/// in-flight ones finish. It watches every engine it serves from: a request that failed alone is logged under its
/// error id; a step fault (the engine stopped) fails /health and /ready and stops the host, whose process then exits
/// non-zero so a supervisor restarts it, never "alive but dead".
/// </summary>
public sealed partial class ServerState
{
    private readonly HashSet<LlmEngine> _watched = [];
    private volatile bool _stopping;
    private volatile string? _failure;
    private ILogger _logger = NullLogger.Instance;
    private Action? _stopHost;
    private Timer? _engineStop;
    private bool _engineStopCancelled;

    public bool IsStopping => _stopping;

    /// <summary>Why the server cannot go on (an engine's step fault); null while it is healthy.</summary>
    public string? Failure => _failure;

    public void BeginStopping() => _stopping = true;

    /// <summary>
    /// Stops every watched engine after <paramref name="delay"/>: what still runs then ends properly (SSE error event
    /// and [DONE], 503, gRPC UNAVAILABLE) before the host's grace period runs out and connections are cut.
    /// </summary>
    public void StopEnginesAfter(TimeSpan delay)
    {
        lock (_watched)
        {
            _engineStop ??= new Timer(_ => StopEngines(), null, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Cancels a pending <see cref="StopEnginesAfter"/> (the host stopped first; the engines are disposed with their models).</summary>
    public void CancelEngineStop()
    {
        lock (_watched)
        {
            _engineStop?.Dispose();
            _engineStopCancelled = true;
        }
    }

    private void StopEngines()
    {
        LlmEngine[] engines;
        lock (_watched)
        {
            if (_engineStopCancelled) return;
            engines = [.. _watched];
        }
        foreach (var engine in engines)
        {
            try
            {
                engine.Stop();
            }
            catch (ObjectDisposedException)
            {
                // Its model was unloaded meanwhile.
            }
        }
    }

    /// <summary>Where faults are logged, and how the host is stopped on one (a fault seen earlier is reported now).</summary>
    public void Attach(ILogger logger, Action stopHost)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(stopHost);
        _logger = logger;
        _stopHost = stopHost;
        if (_failure != null) StopHost();
    }

    /// <summary>Reports <paramref name="engine"/>'s failures from now on (once per engine).</summary>
    public void Watch(LlmEngine engine, string model)
    {
        ArgumentNullException.ThrowIfNull(engine);
        lock (_watched)
        {
            if (!_watched.Add(engine)) return;
        }
        engine.RequestFailed += e => LogRequestFailed(_logger, e.InnerException ?? e, model, e.ErrorId);
        engine.Faulted += e => Fail(model, e);
        if (engine.Fault is { } fault) Fail(model, fault);
    }

    private void Fail(string model, Exception fault)
    {
        LogEngineFault(_logger, fault, model);
        _failure ??= $"the engine of {model} failed: {fault.Message}";
        _stopping = true;
        StopHost();
    }

    // Off the engine thread: stopping the host runs shutdown callbacks, and one may wait for that thread.
    private void StopHost()
    {
        if (_stopHost is { } stop) ThreadPool.QueueUserWorkItem(_ => stop());
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Request failed ({Model}), error id {ErrorId}; the engine goes on")]
    private static partial void LogRequestFailed(ILogger logger, Exception cause, string model, string errorId);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The engine of {Model} failed and cannot go on; stopping the server so that it is restarted")]
    private static partial void LogEngineFault(ILogger logger, Exception fault, string model);
}
