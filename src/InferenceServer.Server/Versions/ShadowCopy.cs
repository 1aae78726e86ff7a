using System.Diagnostics;
using System.Text;
using InferenceServer.Server.Sessions;
using InferenceServer.Versions.Shadow;

namespace InferenceServer.Server.Versions;

/// <summary>
/// A discarded copy of one request on a shadow version: it runs in the background beside the real answer, its
/// text never reaches the client, and only its latency, failure and (for greedy requests) exact match with the
/// answering version's text go to the <see cref="ShadowRecorder"/>.
/// </summary>
public sealed class ShadowCopy(string version, GenerationService generation, ShadowRecorder recorder)
{
    /// <summary>A shadow copy that runs longer than this is cut off and counted as failed.</summary>
    public static TimeSpan Limit { get; } = TimeSpan.FromMinutes(2);

    private readonly TaskCompletionSource<IReadOnlyList<string>?> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts the copy of <paramref name="sequences"/> (the answering version's, so prompts and sampling are the same).</summary>
    public void Start(IReadOnlyList<SequenceSpec> sequences) => _ = Task.Run(() => RunAsync(sequences));

    private readonly SortedDictionary<int, StringBuilder> _streamed = [];
    private int _streamedFinals;

    /// <summary>The texts the client got, per choice (null: not comparable, e.g. failed); only the first call counts.</summary>
    public void Answered(IReadOnlyList<string>? texts) => _answer.TrySetResult(texts);

    /// <summary>Collects one output of a streamed answer (SSE or gRPC), so a streamed request is compared as a whole one is.</summary>
    public void Streamed(ChoiceOutput output)
    {
        lock (_streamed)
        {
            if (!_streamed.TryGetValue(output.Index, out var text)) _streamed[output.Index] = text = new StringBuilder();
            text.Append(output.Output.TextDelta);
            if (output.Output.IsFinal) _streamedFinals++;
        }
    }

    /// <summary>Ends a streamed answer of <paramref name="choices"/> choices: compared when every choice finished (not when the stream broke off).</summary>
    public void StreamEnded(int choices)
    {
        lock (_streamed) Answered(_streamedFinals == choices ? _streamed.Values.Select(t => t.ToString()).ToList() : null);
    }

    private async Task RunAsync(IReadOnlyList<SequenceSpec> sequences)
    {
        long start = Stopwatch.GetTimestamp();
        string[]? texts = null;
        try
        {
            using var timeout = new CancellationTokenSource(Limit);
            await using var session = await generation.StartAsync(sequences, timeout.Token).ConfigureAwait(false);
            var results = await ChoiceResult.CollectAsync(session, sequences.Count).ConfigureAwait(false);
            texts = results.Select(r => r.Text.ToString()).ToArray();
        }
#pragma warning disable CA1031 // Whatever fails a shadow copy is only counted: it must never touch the real request.
        catch (Exception)
#pragma warning restore CA1031
        {
            texts = null;
        }
        var latency = Stopwatch.GetElapsedTime(start);
        var answer = await _answer.Task.ConfigureAwait(false);
        bool? matched = texts is not null && answer is not null && sequences.All(s => s.Request.Sampling.IsGreedy) ? answer.SequenceEqual(texts) : null;
        recorder.Record(version, texts is null, matched, latency);
    }
}
