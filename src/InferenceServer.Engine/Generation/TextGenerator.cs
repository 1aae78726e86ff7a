using System.Diagnostics;
using InferenceServer.Engine.Outputs;
using InferenceServer.Engine.Requests;
using InferenceServer.Engine.Runner;
using InferenceServer.Engine.Sampling;
using InferenceServer.Models.Config;
using InferenceServer.Tokenization;

namespace InferenceServer.Engine.Generation;

/// <summary>
/// Generates text for one sequence at a time (the <c>generate</c> command, reference outputs in tests): a client of
/// the batched engine that adds one request and steps until it finishes, timing its prefill and decode.
/// </summary>
public sealed class TextGenerator : IDisposable
{
    private readonly EngineCore _engine;
    private long _nextId;

    /// <param name="engine">The engine to run on; the generator owns it. Build it with room for one sequence.</param>
    public TextGenerator(EngineCore engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
    }

    public ModelConfig Config => _engine.Config;
    public ITextTokenizer Tokenizer => _engine.Tokenizer;

    /// <summary>Which backend computes, and why (for the log).</summary>
    public string DeviceDescription => _engine.DeviceDescription;
    public ModelWeights Weights => _engine.Weights;

    /// <summary>Timing of the last finished generation.</summary>
    public GenerationStats? LastStats { get; private set; }

    /// <summary>
    /// Streams the tokens generated after <paramref name="prompt"/>, at most until the context is full. A bad prompt
    /// or setting throws <see cref="InvalidRequestException"/> here, before anything runs.
    /// </summary>
    public IEnumerable<GenerationEvent> Generate(int[] prompt, SamplingParams parameters, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(parameters);
        // Unlike a server request, a generation may ask for more tokens than the context leaves: it ends with length there.
        int room = _engine.MaxContext - prompt.Length;
        if (room > 0 && parameters.MaxTokens > room) parameters = parameters with { MaxTokens = room };
        var request = new EngineRequest { PromptTokens = prompt, Sampling = parameters };
        _engine.Validate(request);
        return GenerateCore(request, cancellation);
    }

    private IEnumerable<GenerationEvent> GenerateCore(EngineRequest request, CancellationToken cancellation)
    {
        long id = _nextId++;
        var clock = Stopwatch.StartNew();
        TimeSpan? prefillTime = null;
        _engine.Add(id, request);
        try
        {
            while (true)
            {
                foreach (var output in _engine.Step())
                {
                    if (output.RequestId != id) continue;
                    if (output.Error is { } error) throw error;
                    prefillTime ??= clock.Elapsed;
                    var finish = output.Finish;
                    if (finish is null && cancellation.IsCancellationRequested)
                    {
                        _engine.Abort(id);
                        finish = FinishReason.Abort;
                    }
                    if (finish != null)
                        LastStats = new GenerationStats(request.PromptTokens.Count, prefillTime.Value, output.Usage.CompletionTokens, clock.Elapsed - prefillTime.Value);
                    yield return new GenerationEvent(output.TokenId, output.TextDelta, output.Sample, finish);
                    if (finish != null) yield break;
                }
            }
        }
        finally
        {
            // A consumer that stops reading early leaves nothing running: the next generation starts on a free engine.
            if (_engine.Abort(id) || _engine.HasUnfinished) _engine.Step();
        }
    }

    public void Dispose() => _engine.Dispose();
}
