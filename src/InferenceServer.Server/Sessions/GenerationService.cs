using InferenceServer.Engine.Requests;
using InferenceServer.Server.Admission;
using InferenceServer.Server.Metrics;
using InferenceServer.Server.Serving;

namespace InferenceServer.Server.Sessions;

/// <summary>
/// Starts the engine sequences of one API request (HTTP or gRPC) as a unit: admission against the waiting
/// bound, validation of every sequence before any is submitted, then submission with the caller's cancellation.
/// </summary>
public sealed class GenerationService
{
    private readonly ServedModel _model;
    private readonly AdmissionController _admission;
    private readonly ServerMetrics _metrics;
    private readonly ServerState _state;
    private readonly int _retryAfterSeconds;

    public GenerationService(ServedModel model, AdmissionController admission, ServerMetrics metrics, ServerState state, int retryAfterSeconds)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(state);
        _model = model;
        _admission = admission;
        _metrics = metrics;
        _state = state;
        _retryAfterSeconds = retryAfterSeconds;
        // Every engine that serves requests is watched: its failures are logged and a dead one stops the server.
        state.Watch(model.Engine, model.Name);
    }

    public ServedModel Model => _model;

    /// <summary>
    /// <see cref="Start"/> once the LoRA adapters the sequences name are loaded in the engine (reloading ones evicted
    /// from host memory); only this request waits for such a load.
    /// </summary>
    public async Task<GenerationSession> StartAsync(IReadOnlyList<SequenceSpec> sequences, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var adapters = sequences.Select(s => s.Request.Adapter).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        for (int attempt = 0; ; attempt++)
        {
            foreach (var adapter in adapters) await _model.Adapters.EnsureLoadedAsync(adapter).WaitAsync(cancellation).ConfigureAwait(false);
            try
            {
                return Start(sequences, cancellation);
            }
            catch (UnknownAdapterException e) when (attempt < 2 && _model.Adapters.Contains(e.Adapter))
            {
                // Evicted by another load between the check and the submission: load it again.
            }
        }
    }

    /// <summary>
    /// Throws <see cref="InvalidRequestException"/> for a sequence the engine cannot serve, <see cref="OverloadedException"/>
    /// when the queue is full, <see cref="EngineFailedException"/> when the server is stopping.
    /// </summary>
    public GenerationSession Start(IReadOnlyList<SequenceSpec> sequences, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (_state.IsStopping) throw new EngineFailedException("the server is shutting down");
        foreach (var s in sequences) _model.Engine.Core.Validate(s.Request);
        // More sequences than the server ever admits at once would get 429 forever, even on an idle server.
        if (sequences.Count > _admission.Capacity)
            throw new InvalidRequestException(
                $"This request asks for {sequences.Count} sequences (n, best_of and prompts together), more than this server runs or queues at once ({_admission.Capacity}: --max-num-seqs plus --max-waiting).");
        if (!_admission.TryAdmit(sequences.Count, out var lease))
            throw new OverloadedException(
                $"The server is overloaded: {_admission.InFlight} sequences in flight, at most {_admission.Capacity} (--max-num-seqs plus --max-waiting). Retry later.",
                _retryAfterSeconds);
        var session = new GenerationSession(_model.Engine, _metrics, lease, cancellation);
        try
        {
            foreach (var s in sequences) session.Submit(s);
        }
        catch
        {
            _ = session.DisposeAsync().AsTask();
            throw;
        }
        return session;
    }
}
