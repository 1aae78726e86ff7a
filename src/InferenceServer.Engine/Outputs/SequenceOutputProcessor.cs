using InferenceServer.Engine.Sampling;
using InferenceServer.Tokenization;

namespace InferenceServer.Engine.Outputs;

/// <summary>
/// Turns one sequence's sampled tokens into text deltas and decides when it stops: end-of-sequence and stop
/// token ids, stop strings (held back until they cannot match), and the token limit.
/// </summary>
public sealed class SequenceOutputProcessor
{
    private readonly IReadOnlyList<int> _eosIds;
    private readonly SamplingParams _params;
    private readonly IncrementalDetokenizer _detokenizer;
    private readonly StopStringMatcher _stops;

    /// <param name="tokenizer">Decodes the tokens.</param>
    /// <param name="modelEosIds">End-of-sequence ids of the model config (the tokenizer's are added).</param>
    /// <param name="parameters">Stop conditions of the request.</param>
    public SequenceOutputProcessor(ITextTokenizer tokenizer, IReadOnlyList<int> modelEosIds, SamplingParams parameters)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        _eosIds = [.. tokenizer.EosTokenIds, .. modelEosIds];
        _params = parameters;
        _detokenizer = new IncrementalDetokenizer(tokenizer, skipSpecialTokens: true);
        _stops = new StopStringMatcher(parameters.Stop);
    }

    /// <summary>Tokens processed so far.</summary>
    public int Generated { get; private set; }

    /// <summary>Adds a sampled token; returns the text that may be streamed now and the finish reason if it ends here.</summary>
    /// <param name="token">The sampled token.</param>
    /// <param name="lengthReached">
    /// The scheduler ended the request with this token on its max tokens (the one place length is decided); it
    /// finishes with length unless the token stops it first.
    /// </param>
    public (string Text, FinishReason? Finish) Process(int token, bool lengthReached)
    {
        Generated++;
        if (IsStopToken(token)) return (_stops.Append(_detokenizer.Flush()) + _stops.Flush(), FinishReason.Stop);
        string text = _stops.Append(_detokenizer.Add(token));
        if (_stops.Stopped) return (text, FinishReason.Stop);
        if (lengthReached) return (text + _stops.Append(_detokenizer.Flush()) + _stops.Flush(), FinishReason.Length);
        return (text, null);
    }

    private bool IsStopToken(int token)
    {
        if (!_params.IgnoreEos)
            foreach (var eos in _eosIds) if (eos == token) return true;
        foreach (var s in _params.StopTokenIds) if (s == token) return true;
        return false;
    }
}
