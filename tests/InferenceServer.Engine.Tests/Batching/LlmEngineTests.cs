using InferenceServer.Devices;
using InferenceServer.Engine.Outputs;
using InferenceServer.Engine.Requests;
using InferenceServer.Engine.Sampling;
using InferenceServer.TestSupport;

namespace InferenceServer.Engine.Tests.Batching;

public sealed class LlmEngineTests : IDisposable
{
    private static readonly SamplingParams Greedy = new() { Temperature = 0, MaxTokens = 30, IgnoreEos = true };
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly OpenedModel _opened = ModelOpener.Open(SharedModels.TinyStories);

    private LlmEngine NewEngine(int outputBuffer = 64) => new(EngineFactory.Create(_opened.Model, _opened.Tokenizer,
        new EngineOptions { Threads = 2, KvCacheMemoryBytes = 8 << 20, OutputBufferCapacity = outputBuffer }));

    private EngineRequest Request(string text, int maxTokens = 30) => new() { PromptTokens = _opened.Tokenizer.Encode(text), Sampling = Greedy with { MaxTokens = maxTokens } };

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the engine");
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task Concurrent_streams_get_their_tokens_and_a_final_output_with_usage()
    {
        using var engine = NewEngine();
        var tasks = new[] { "Once upon a time", "The little dog", "Tom had a red ball" }.Select(async (text, i) =>
        {
            var list = new List<RequestOutput>();
            await foreach (var o in engine.GenerateAsync(Request(text, 10 + i))) list.Add(o);
            return list;
        }).ToArray();
        var results = await Task.WhenAll(tasks).WaitAsync(Timeout);
        for (int i = 0; i < results.Length; i++)
        {
            Assert.Equal(10 + i, results[i].Count);
            Assert.Equal(FinishReason.Length, results[i][^1].Finish);
            Assert.Equal(10 + i, results[i][^1].Usage.CompletionTokens);
        }
        await WaitUntil(() => engine.InFlight == 0 && engine.Stats.FreeBlocks == engine.Stats.TotalBlocks);
    }

    [Fact]
    public async Task Cancelling_the_token_aborts_the_request_and_frees_its_blocks()
    {
        using var engine = NewEngine();
        using var cts = new CancellationTokenSource();
        var stream = engine.Submit(Request("Once upon a time", maxTokens: 400), cts.Token);
        Assert.True(await stream.Outputs.WaitToReadAsync().AsTask().WaitAsync(Timeout));
        await WaitUntil(() => engine.Stats.FreeBlocks < engine.Stats.TotalBlocks);
        await cts.CancelAsync();
        RequestOutput last = default;
        await foreach (var o in stream.ReadAllAsync().WithCancellation(CancellationToken.None)) last = o;
        Assert.Equal(FinishReason.Abort, last.Finish);
        await WaitUntil(() => engine.Stats.FreeBlocks == engine.Stats.TotalBlocks && engine.InFlight == 0);
    }

    [Fact]
    public async Task A_request_past_its_deadline_is_aborted_and_frees_its_blocks()
    {
        // A reader that does not read keeps the request paused (one output buffered), so it cannot finish
        // before its deadline however fast the machine is.
        using var engine = NewEngine(outputBuffer: 1);
        var request = Request("Once upon a time", maxTokens: 480) with { Deadline = DateTimeOffset.UtcNow.AddMilliseconds(200) };
        var stream = engine.Submit(request);
        await Task.Delay(400);
        var outputs = new List<RequestOutput>();
        await foreach (var o in stream.ReadAllAsync()) outputs.Add(o);
        Assert.Equal(FinishReason.Abort, outputs[^1].Finish);
        Assert.True(outputs.Count < 480, "the deadline did not stop the request");
        await WaitUntil(() => engine.Stats.FreeBlocks == engine.Stats.TotalBlocks && engine.InFlight == 0);
    }

    [Fact]
    public async Task A_slow_reader_pauses_only_its_own_request()
    {
        using var engine = NewEngine(outputBuffer: 2);
        var slow = engine.Submit(Request("Once upon a time", maxTokens: 50));
        // The slow reader reads nothing: its request must stop after filling its buffer, holding its blocks.
        var fast = new List<RequestOutput>();
        await foreach (var o in engine.GenerateAsync(Request("The little dog", maxTokens: 40))) fast.Add(o);
        Assert.Equal(40, fast.Count);
        // Stats are published by the engine thread after the step that finished the fast request, which can come
        // a moment after its last output was read; the slow request stays running, paused.
        await WaitUntil(() => engine.Stats.RunningRequests == 1);
        Assert.Equal(2, slow.Outputs.Count);
        // Once read, it runs to the end.
        var slowOutputs = new List<RequestOutput>();
        await foreach (var o in slow.ReadAllAsync().WithCancellation(CancellationToken.None)) slowOutputs.Add(o);
        Assert.Equal(50, slowOutputs.Count);
        Assert.Equal(FinishReason.Length, slowOutputs[^1].Finish);
        await WaitUntil(() => engine.Stats.FreeBlocks == engine.Stats.TotalBlocks);
    }

    [Fact]
    public async Task A_reader_that_goes_away_without_reading_frees_the_request()
    {
        using var engine = NewEngine(outputBuffer: 1);
        var stream = engine.Submit(Request("Once upon a time", maxTokens: 300));
        await WaitUntil(() => stream.Outputs.Count == 1);
        await stream.DisposeAsync();
        await WaitUntil(() => engine.InFlight == 0 && engine.Stats.FreeBlocks == engine.Stats.TotalBlocks);
    }

    [Fact]
    public void Invalid_requests_throw_at_submit()
    {
        using var engine = NewEngine();
        Assert.Throws<InvalidRequestException>(() => engine.Submit(new EngineRequest { PromptTokens = [] }));
        Assert.Equal(0, engine.InFlight);
    }

    [Fact]
    public async Task Disposing_the_engine_ends_streams_in_flight_with_an_engine_error()
    {
        var engine = NewEngine();
        var stream = engine.Submit(Request("Once upon a time", maxTokens: 400));
        Assert.True(await stream.Outputs.WaitToReadAsync().AsTask().WaitAsync(Timeout));
        engine.Dispose();
        await Assert.ThrowsAsync<EngineFailedException>(async () =>
        {
            await foreach (var _ in stream.ReadAllAsync()) { }
        });
        Assert.Throws<EngineFailedException>(() => engine.Submit(Request("x")));
    }

    [Fact]
    public async Task A_reader_draining_a_paused_request_after_dispose_gets_the_engine_error()
    {
        // The request is paused with a full buffer when the engine goes; each output the reader then takes asks for a
        // resume, which must not reach the disposed engine (it once surfaced as ObjectDisposedException).
        var engine = NewEngine(outputBuffer: 4);
        var stream = engine.Submit(Request("Once upon a time", maxTokens: 400));
        await WaitUntil(() => stream.Outputs.Count >= 4);
        engine.Dispose();
        int read = 0;
        await Assert.ThrowsAsync<EngineFailedException>(async () =>
        {
            await foreach (var _ in stream.ReadAllAsync()) read++;
        });
        Assert.Equal(4, read);
    }

    public void Dispose() => _opened.Dispose();
}
