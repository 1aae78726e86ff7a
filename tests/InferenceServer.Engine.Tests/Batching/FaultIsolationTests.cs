using InferenceServer.Devices;
using InferenceServer.Engine.Requests;
using InferenceServer.Engine.Sampling;
using InferenceServer.TestSupport;
using InferenceServer.Tokenization;

namespace InferenceServer.Engine.Tests.Batching;

/// <summary>
/// A request that throws while the engine serves it fails alone (the others' outputs do not change and the engine
/// goes on); a fault of a step stops the engine, fails every request and is reported.
/// </summary>
public sealed class FaultIsolationTests : IDisposable
{
    private static readonly SamplingParams Greedy = new() { Temperature = 0, MaxTokens = 12, IgnoreEos = true };
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly OpenedModel _opened = ModelOpener.Open(SharedModels.TinyStories);

    private LlmEngine NewEngine(ITextTokenizer tokenizer) => new(EngineFactory.Create(_opened.Model, tokenizer,
        new EngineOptions { Threads = 2, KvCacheMemoryBytes = 8 << 20 }));

    private EngineRequest Request(string text, int maxTokens = 12) => new() { PromptTokens = _opened.Tokenizer.Encode(text), Sampling = Greedy with { MaxTokens = maxTokens } };

    private async Task<int[]> TokensAsync(LlmEngine engine, string prompt)
    {
        var tokens = new List<int>();
        await foreach (var o in engine.GenerateAsync(Request(prompt))) if (o.TokenId >= 0) tokens.Add(o.TokenId);
        return [.. tokens];
    }

    [Fact]
    public async Task A_request_that_throws_fails_alone_and_the_engine_goes_on()
    {
        const string first = "Once upon a time", second = "The little dog";
        int[] a, b;
        using (var plain = NewEngine(_opened.Tokenizer))
        {
            a = await TokensAsync(plain, first).WaitAsync(Timeout);
            b = await TokensAsync(plain, second).WaitAsync(Timeout);
        }
        // Detokenizing a token only the first request generates throws, as a bug in one request's path would.
        int poison = a.First(t => !b.Contains(t));
        using var engine = NewEngine(new ThrowingTokenizer(_opened.Tokenizer, poison));
        var logged = new List<RequestFailedException>();
        engine.RequestFailed += e => { lock (logged) logged.Add(e); };

        var failing = TokensAsync(engine, first);
        var healthy = TokensAsync(engine, second);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => failing.WaitAsync(Timeout));
        Assert.StartsWith("err-", error.ErrorId, StringComparison.Ordinal);
        Assert.Contains(error.ErrorId, error.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Equal(b, await healthy.WaitAsync(Timeout));
        Assert.Equal(error.ErrorId, Assert.Single(logged).ErrorId);

        // Still serving, nothing leaked, and not counted as an engine fault.
        Assert.Equal(b, await TokensAsync(engine, second).WaitAsync(Timeout));
        var deadline = DateTime.UtcNow + Timeout;
        while (engine.InFlight != 0 || engine.Stats.FreeBlocks != engine.Stats.TotalBlocks)
        {
            Assert.True(DateTime.UtcNow < deadline, "blocks or requests leaked");
            await Task.Delay(5);
        }
        Assert.Null(engine.Fault);
    }

    [Fact]
    public async Task A_step_fault_fails_every_request_and_reports_the_engine_faulted()
    {
        using var engine = NewEngine(_opened.Tokenizer);
        var faulted = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        engine.Faulted += e => faulted.TrySetResult(e);
        var stream = engine.Submit(Request("Once upon a time", maxTokens: 400));
        Assert.True(await stream.Outputs.WaitToReadAsync().AsTask().WaitAsync(Timeout));

        var fault = new InvalidOperationException("a step failed");
        engine.InjectStepFault(fault);

        await Assert.ThrowsAsync<EngineFailedException>(async () =>
        {
            await foreach (var _ in stream.ReadAllAsync()) { }
        }).WaitAsync(Timeout);
        Assert.Same(fault, await faulted.Task.WaitAsync(Timeout));
        Assert.Same(fault, engine.Fault);
        var refused = Assert.Throws<EngineFailedException>(() => engine.Submit(Request("The little dog")));
        Assert.Contains("a step failed", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(int.MaxValue - 1)]
    public void Max_tokens_near_int_max_is_refused_by_the_context_check_not_overflowing_past_it(int maxTokens)
    {
        using var engine = NewEngine(_opened.Tokenizer);
        var request = Request("Once upon a time", maxTokens);
        var e = Assert.Throws<InvalidRequestException>(() => engine.Core.Validate(request));
        Assert.Contains("maximum context length", e.Message, StringComparison.Ordinal);
        long total = (long)request.PromptTokens.Count + maxTokens;
        Assert.Contains($"you requested {total} tokens", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _opened.Dispose();

    /// <summary>The real tokenizer, except that asking about one token id throws.</summary>
    private sealed class ThrowingTokenizer(ITextTokenizer inner, int poison) : ITextTokenizer
    {
        private void Check(int id)
        {
            if (id == poison) throw new InvalidOperationException($"token {poison} is poisoned");
        }

        public int VocabSize => inner.VocabSize;
        public int? BosTokenId => inner.BosTokenId;
        public IReadOnlyList<int> EosTokenIds => inner.EosTokenIds;
        public bool AddBosToken => inner.AddBosToken;
        public bool AddEosToken => inner.AddEosToken;
        public bool StripsLeadingSpace => inner.StripsLeadingSpace;
        public IReadOnlyList<AddedToken> AddedTokens => inner.AddedTokens;
        public int[] Encode(string text, bool addSpecialTokens = true, bool parseSpecialTokens = true) => inner.Encode(text, addSpecialTokens, parseSpecialTokens);
        public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = true)
        {
            foreach (var id in ids) Check(id);
            return inner.Decode(ids, skipSpecialTokens);
        }

        public bool IsSpecial(int id)
        {
            Check(id);
            return inner.IsSpecial(id);
        }

        public string? IdToToken(int id) => inner.IdToToken(id);
        public int? TokenToId(string token) => inner.TokenToId(token);

        public ReadOnlySpan<byte> TokenBytes(int id)
        {
            Check(id);
            return inner.TokenBytes(id);
        }

        public ReadOnlySpan<byte> LeadingTokenBytes(int id)
        {
            Check(id);
            return inner.LeadingTokenBytes(id);
        }
    }
}
