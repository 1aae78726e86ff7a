using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using InferenceServer.Engine;
using InferenceServer.Engine.Requests;
using InferenceServer.Server.Admission;
using InferenceServer.Server.Metrics;

namespace InferenceServer.Server.Sessions;

/// <summary>
/// The running sequences of one API request. Outputs of all choices come out of one stream in the order the
/// engine produced them; disposing aborts whatever is unfinished and returns the admission lease.
/// </summary>
public sealed class GenerationSession : IAsyncDisposable
{
    private readonly LlmEngine _engine;
    private readonly ServerMetrics _metrics;
    private readonly AdmissionLease _lease;
    private readonly CancellationToken _cancellation;
    // Cancelled on dispose too, so merge pumps never wait on a reader that has gone.
    private readonly CancellationTokenSource _pumps;
    private readonly List<(SequenceSpec Spec, RequestStream Stream, SequenceClock Clock)> _sequences = [];
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _firstToken;

    internal GenerationSession(LlmEngine engine, ServerMetrics metrics, AdmissionLease lease, CancellationToken cancellation)
    {
        _engine = engine;
        _metrics = metrics;
        _lease = lease;
        _cancellation = cancellation;
        _pumps = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
    }

    internal void Submit(SequenceSpec spec)
    {
        var clock = new SequenceClock(Stopwatch.GetTimestamp());
        _sequences.Add((spec, _engine.Submit(spec.Request, _cancellation), clock));
    }

    /// <summary>Time from the start of the session to the first token of any choice (null while none has come).</summary>
    public TimeSpan? TimeToFirstToken => Interlocked.Read(ref _firstToken) is long t and not 0 ? Stopwatch.GetElapsedTime(_started, t) : null;

    /// <summary>Tokens generated so far over all choices.</summary>
    public int CompletionTokens => _sequences.Sum(s => s.Clock.CompletionTokens);

    /// <summary>Every output of every choice until all have finished; ends early (by exception) when the caller cancels.</summary>
    public IAsyncEnumerable<ChoiceOutput> ReadAllAsync() =>
        _sequences.Count == 1 ? ReadOneAsync(_sequences[0], _cancellation) : ReadMergedAsync(_pumps.Token);

    private async IAsyncEnumerable<ChoiceOutput> ReadOneAsync((SequenceSpec Spec, RequestStream Stream, SequenceClock Clock) s, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var output in s.Stream.ReadAllAsync(ct).ConfigureAwait(false))
        {
            Observe(s.Clock, output);
            yield return new ChoiceOutput(s.Spec.Index, s.Spec.PromptIndex, output);
        }
    }

    private async IAsyncEnumerable<ChoiceOutput> ReadMergedAsync([EnumeratorCancellation] CancellationToken ct)
    {
        // Bounded, so a slow client still backs up into each engine stream and pauses those requests.
        var merged = Channel.CreateBounded<ChoiceOutput>(new BoundedChannelOptions(16 * _sequences.Count) { SingleReader = true });
        var pumps = _sequences.Select(s => Task.Run(async () =>
        {
            await foreach (var o in ReadOneAsync(s, ct).ConfigureAwait(false)) await merged.Writer.WriteAsync(o, ct).ConfigureAwait(false);
        }, ct)).ToArray();
        _ = Task.WhenAll(pumps).ContinueWith(t => merged.Writer.TryComplete(t.Exception?.InnerException), TaskScheduler.Default);
        await foreach (var o in merged.Reader.ReadAllAsync(ct).ConfigureAwait(false)) yield return o;
    }

    private void Observe(SequenceClock clock, in RequestOutput output)
    {
        long now = Stopwatch.GetTimestamp();
        if (output.TokenId >= 0)
        {
            Interlocked.CompareExchange(ref _firstToken, now, 0);
            if (clock.FirstToken == 0) clock.FirstToken = now;
            else _metrics.RecordInterToken(Stopwatch.GetElapsedTime(clock.LastToken, now));
            clock.LastToken = now;
        }
        clock.CompletionTokens = output.Usage.CompletionTokens;
        if (output.Finish is { } reason)
        {
            TimeSpan? ttft = clock.FirstToken == 0 ? null : Stopwatch.GetElapsedTime(clock.Arrival, clock.FirstToken);
            _metrics.RecordFinished(reason, output.Usage.PromptTokens, output.Usage.CompletionTokens, ttft, Stopwatch.GetElapsedTime(clock.Arrival, now));
            clock.Finished = true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _pumps.CancelAsync().ConfigureAwait(false);
        foreach (var s in _sequences)
        {
            // A sequence whose final output was never read (client gone) is aborted and counted as such.
            if (!s.Clock.Finished && !s.Stream.Outputs.Completion.IsCompleted)
            {
                _metrics.RecordFinished(Engine.Outputs.FinishReason.Abort, s.Spec.Request.PromptTokens.Count, s.Clock.CompletionTokens,
                    s.Clock.FirstToken == 0 ? null : Stopwatch.GetElapsedTime(s.Clock.Arrival, s.Clock.FirstToken), Stopwatch.GetElapsedTime(s.Clock.Arrival));
                s.Clock.Finished = true;
            }
            await s.Stream.DisposeAsync().ConfigureAwait(false);
        }
        _lease.Dispose();
        _pumps.Dispose();
    }

    private sealed class SequenceClock(long arrival)
    {
        public long Arrival { get; } = arrival;
        public long FirstToken { get; set; }
        public long LastToken { get; set; }
        public int CompletionTokens { get; set; }
        public bool Finished { get; set; }
    }
}
