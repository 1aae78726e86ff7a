using InferenceServer.Devices;
using InferenceServer.Engine.Generation;
using InferenceServer.Engine.Outputs;
using InferenceServer.Engine.Requests;
using InferenceServer.Engine.Sampling;
using InferenceServer.TestSupport;

namespace InferenceServer.Engine.Tests;

public sealed class TextGeneratorTests : IDisposable
{
    private readonly OpenedModel _opened = ModelOpener.Open(SharedModels.TinyStories);
    private readonly TextGenerator _generator;

    public TextGeneratorTests() => _generator = EngineFactory.CreateGenerator(_opened.Model, _opened.Tokenizer, new EngineOptions { Threads = 2 });

    private int[] Prompt(string text = "Once upon a time") => _opened.Tokenizer.Encode(text);

    [Fact]
    public void Max_tokens_ends_with_length_and_the_deltas_are_the_decoded_tokens()
    {
        var events = _generator.Generate(Prompt(), new SamplingParams { Temperature = 0, MaxTokens = 25, IgnoreEos = true }).ToList();
        Assert.Equal(25, events.Count);
        Assert.All(events.SkipLast(1), e => Assert.Null(e.Finish));
        Assert.Equal(FinishReason.Length, events[^1].Finish);
        var ids = events.Select(e => e.TokenId).ToArray();
        Assert.Equal(_opened.Tokenizer.Decode(ids), string.Concat(events.Select(e => e.TextDelta)));
        Assert.Equal(6, _generator.LastStats!.PromptTokens);
        Assert.Equal(25, _generator.LastStats.GeneratedTokens);
    }

    [Fact]
    public void A_stop_token_id_ends_with_stop_and_is_not_in_the_text()
    {
        var free = _generator.Generate(Prompt(), new SamplingParams { Temperature = 0, MaxTokens = 10, IgnoreEos = true }).ToList();
        int stopAt = free[4].TokenId;
        var stopped = _generator.Generate(Prompt(), new SamplingParams { Temperature = 0, MaxTokens = 10, IgnoreEos = true, StopTokenIds = [stopAt] }).ToList();
        int firstIndex = free.FindIndex(e => e.TokenId == stopAt);
        Assert.Equal(firstIndex + 1, stopped.Count);
        Assert.Equal(FinishReason.Stop, stopped[^1].Finish);
        Assert.Equal(_opened.Tokenizer.Decode(free.Take(firstIndex).Select(e => e.TokenId).ToArray()), string.Concat(stopped.Select(e => e.TextDelta)));
    }

    [Fact]
    public void A_stop_string_ends_with_stop_and_cuts_the_text_before_it()
    {
        var free = string.Concat(_generator.Generate(Prompt(), new SamplingParams { Temperature = 0, MaxTokens = 40, IgnoreEos = true }).Select(e => e.TextDelta));
        string stop = free.Substring(free.Length / 2, 4);
        var events = _generator.Generate(Prompt(), new SamplingParams { Temperature = 0, MaxTokens = 40, IgnoreEos = true, Stop = [stop] }).ToList();
        Assert.Equal(FinishReason.Stop, events[^1].Finish);
        Assert.Equal(free[..free.IndexOf(stop, StringComparison.Ordinal)], string.Concat(events.Select(e => e.TextDelta)));
    }

    [Fact]
    public void The_end_of_story_token_stops_generation_unless_ignored()
    {
        var events = _generator.Generate(Prompt(), new SamplingParams { Temperature = 0, MaxTokens = 400 }).ToList();
        Assert.Equal(FinishReason.Stop, events[^1].Finish);
        Assert.Contains(events[^1].TokenId, _opened.Tokenizer.EosTokenIds);
        // The EOS token's own text is not emitted: the stream is the decode of the tokens before it.
        var before = events.SkipLast(1).Select(e => e.TokenId).ToArray();
        Assert.Equal(_opened.Tokenizer.Decode(before, skipSpecialTokens: false), string.Concat(events.Select(e => e.TextDelta)));
        var ignored = _generator.Generate(Prompt(), new SamplingParams { Temperature = 0, MaxTokens = events.Count + 5, IgnoreEos = true }).ToList();
        Assert.Equal(events.Count + 5, ignored.Count);
        Assert.Equal(events[^1].TokenId, ignored[events.Count - 1].TokenId);
    }

    [Fact]
    public void Generation_stops_when_the_context_is_full()
    {
        int context = _generator.Config.MaxPositionEmbeddings;
        var prompt = Enumerable.Repeat(Prompt()[1], context - 3).Prepend(1).ToArray();
        var events = _generator.Generate(prompt, new SamplingParams { Temperature = 0, MaxTokens = 100, IgnoreEos = true }).ToList();
        Assert.Equal(FinishReason.Length, events[^1].Finish);
        Assert.Equal(context - prompt.Length, events.Count);
    }

    [Fact]
    public void Bad_prompts_are_rejected_with_a_clear_message()
    {
        var p = new SamplingParams();
        Assert.Contains("empty", Assert.Throws<InvalidRequestException>(() => _generator.Generate([], p)).Message, StringComparison.Ordinal);
        var tooLong = new int[_generator.Config.MaxPositionEmbeddings];
        Assert.Contains("context", Assert.Throws<InvalidRequestException>(() => _generator.Generate(tooLong, p)).Message, StringComparison.Ordinal);
        Assert.Contains("vocabulary", Assert.Throws<InvalidRequestException>(() => _generator.Generate([1, 99999], p)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cancellation_ends_the_stream_with_abort()
    {
        using var cts = new CancellationTokenSource();
        var events = new List<GenerationEvent>();
        foreach (var e in _generator.Generate(Prompt(), new SamplingParams { Temperature = 0, MaxTokens = 100, IgnoreEos = true }, cts.Token))
        {
            events.Add(e);
            if (events.Count == 3) cts.Cancel();
        }
        Assert.Equal(4, events.Count);
        Assert.Equal(FinishReason.Abort, events[^1].Finish);
    }

    public void Dispose()
    {
        _generator.Dispose();
        _opened.Dispose();
    }
}
