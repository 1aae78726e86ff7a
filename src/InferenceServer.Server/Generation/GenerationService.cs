using InferenceServer.Engine.Batching;
using InferenceServer.Server.Admission;
using InferenceServer.Server.Hosting;
using InferenceServer.Server.Metrics;

namespace InferenceServer.Server.Generation;

/// <summary>
/// Starts the engine sequences of one API request (HTTP or gRPC) as a unit: admission against the waiting
/// bound, validation of every sequence before any is submitted, then submission with the caller's cancellation.
/// </summary>
public sealed class GenerationService(ServedModel model, AdmissionController admission, ServerMetrics metrics, ServerState state, int retryAfterSeconds)
{
    public ServedModel Model => model;

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
            foreach (var adapter in adapters) await model.Adapters.EnsureLoadedAsync(adapter).WaitAsync(cancellation).ConfigureAwait(false);
            try
            {
                return Start(sequences, cancellation);
            }
            catch (UnknownAdapterException e) when (attempt < 2 && model.Adapters.Contains(e.Adapter))
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
        if (state.IsStopping) throw new EngineFailedException("the server is shutting down");
        foreach (var s in sequences) model.Engine.Core.Validate(s.Request);
        if (!admission.TryAdmit(sequences.Count, out var lease))
            throw new OverloadedException(
                $"The server is overloaded: {admission.InFlight} sequences in flight, at most {admission.Capacity} (--max-num-seqs plus --max-waiting). Retry later.",
                retryAfterSeconds);
        var session = new GenerationSession(model.Engine, metrics, lease, cancellation);
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
