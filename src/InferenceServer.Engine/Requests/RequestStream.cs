using System.Threading.Channels;

namespace InferenceServer.Engine.Requests;

/// <summary>
/// A submitted request's outputs as the engine produces them, ending with the output that carries the finish
/// reason. Reading slowly pauses only this request (backpressure); disposing aborts it if it is still running.
/// </summary>
public sealed class RequestStream : IAsyncDisposable
{
    private readonly LlmEngine _engine;
    private readonly OutputStream _output;
    private readonly ChannelReader<RequestOutput> _reader;
    private readonly CancellationTokenRegistration _registration;
    private readonly CancellationTokenSource? _deadline;

    internal RequestStream(LlmEngine engine, long id, OutputStream output, CancellationToken cancellation, DateTimeOffset? deadline)
    {
        _engine = engine;
        Id = id;
        _output = output;
        _reader = output.Reader;
        if (deadline is { } at)
        {
            _deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            _deadline.CancelAfter(at - DateTimeOffset.UtcNow is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero);
            cancellation = _deadline.Token;
        }
        // The client going away (HTTP abort, gRPC deadline) or the deadline passing cancels the request at the next step.
        _registration = cancellation.Register(static s => ((RequestStream)s!).Abort(), this);
    }

    /// <summary>The engine's id of the request.</summary>
    public long Id { get; }

    /// <summary>The outputs, to wait on or count (read them with <see cref="ReadAllAsync"/>, which lets a paused request resume); the channel completes after the final one (or with the engine's failure).</summary>
    public ChannelReader<RequestOutput> Outputs => _reader;

    /// <summary>Reads outputs until the final one; each read tells a paused request it may run again once there is room.</summary>
    public async IAsyncEnumerable<RequestOutput> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation = default)
    {
        while (await _reader.WaitToReadAsync(cancellation).ConfigureAwait(false))
        {
            while (_reader.TryRead(out var output))
            {
                _output.ReaderTookOne();
                yield return output;
            }
        }
    }

    /// <summary>Cancels the request; its blocks are freed at the engine's next step.</summary>
    public void Abort() => _engine.Abort(Id);

    public async ValueTask DisposeAsync()
    {
        await _registration.DisposeAsync().ConfigureAwait(false);
        _deadline?.Dispose();
        if (!_reader.Completion.IsCompleted) _engine.Abort(Id);
    }
}
