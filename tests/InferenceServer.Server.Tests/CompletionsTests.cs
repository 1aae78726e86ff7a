using System.Net;
using System.Text;
using InferenceServer.Engine.Sampling;

namespace InferenceServer.Server.Tests;

[Collection(ServerCollection.Name)]
public sealed class CompletionsTests(ServerFixture fixture)
{
    private const string Prompt = "Once upon a time";
    private TestServer Server => fixture.Server;
    private string ModelName => Server.Model.Name;

    [Fact]
    public async Task Greedy_completion_equals_the_engine_run_directly_with_openai_fields()
    {
        var (response, body) = await Json.PostAsync(Server.Http, "/v1/completions", new { model = ModelName, prompt = Prompt, max_tokens = 40, temperature = 0 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ids = Reference.Model.Tokenizer.Encode(Prompt);
        var expected = Reference.Generate(ids, new SamplingParams { Temperature = 0, MaxTokens = 40 });

        Assert.StartsWith("cmpl-", body["id"].Str(), StringComparison.Ordinal);
        Assert.Equal("text_completion", body["object"].Str());
        Assert.Equal(ModelName, body["model"].Str());
        Assert.InRange(body["created"]!.GetValue<long>(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        var choice = body["choices"]![0]!;
        Assert.Equal(0, choice["index"].Int());
        Assert.Equal(expected.Text, choice["text"].Str());
        Assert.Equal(expected.Finish, choice["finish_reason"].Str());
        var usage = body["usage"]!;
        Assert.Equal(ids.Length, usage["prompt_tokens"].Int());
        Assert.Equal(expected.Tokens, usage["completion_tokens"].Int());
        Assert.Equal(ids.Length + expected.Tokens, usage["total_tokens"].Int());
        Assert.NotNull(usage["prompt_tokens_details"]!["cached_tokens"]);
    }

    [Fact]
    public async Task Streamed_deltas_concatenate_to_the_non_streamed_text_and_usage_comes_last()
    {
        var request = new { prompt = "The little dog", max_tokens = 60, temperature = 0, ignore_eos = true };
        var (_, whole) = await Json.PostAsync(Server.Http, "/v1/completions", request);
        var events = await Json.StreamAsync(Server.Http, "/v1/completions",
            new { prompt = "The little dog", max_tokens = 60, temperature = 0, ignore_eos = true, stream = true, stream_options = new { include_usage = true } });

        var chunks = events.Take(events.Count - 1).ToList();
        var text = new StringBuilder();
        foreach (var c in chunks)
        {
            Assert.Equal("text_completion", c["object"].Str());
            Assert.Null(c["usage"]);
            text.Append(c["choices"]![0]!["text"].Str());
        }
        Assert.Equal(whole["choices"]![0]!["text"].Str(), text.ToString());
        Assert.Equal("length", chunks[^1]["choices"]![0]!["finish_reason"].Str());
        Assert.All(chunks.SkipLast(1), c => Assert.Null(c["choices"]![0]!["finish_reason"]));
        Assert.Single(chunks.Select(c => c["id"].Str()).Distinct());

        var last = events[^1];
        Assert.Empty(last["choices"]!.AsArray());
        Assert.Equal(60, last["usage"]!["completion_tokens"].Int());
        Assert.Equal(whole["usage"]!["prompt_tokens"].Int(), last["usage"]!["prompt_tokens"].Int());
    }

    [Fact]
    public async Task Several_prompts_with_n_give_every_choice_its_index_and_usage_counts_each_prompt_once()
    {
        var prompts = new[] { "Tom had a red ball", "The sun was hot" };
        var (response, body) = await Json.PostAsync(Server.Http, "/v1/completions", new { prompt = prompts, n = 2, max_tokens = 8, temperature = 0, ignore_eos = true });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var choices = body["choices"]!.AsArray();
        Assert.Equal([0, 1, 2, 3], choices.Select(c => c!["index"].Int()));
        // Greedy choices of the same prompt agree; each equals the engine's own run of that prompt.
        for (int p = 0; p < 2; p++)
        {
            var expected = Reference.Generate(Reference.Model.Tokenizer.Encode(prompts[p]), new SamplingParams { Temperature = 0, MaxTokens = 8, IgnoreEos = true });
            Assert.Equal(expected.Text, choices[2 * p]!["text"].Str());
            Assert.Equal(expected.Text, choices[2 * p + 1]!["text"].Str());
        }
        int promptTokens = prompts.Sum(p => Reference.Model.Tokenizer.Encode(p).Length);
        Assert.Equal(promptTokens, body["usage"]!["prompt_tokens"].Int());
        Assert.Equal(4 * 8, body["usage"]!["completion_tokens"].Int());
    }

    [Fact]
    public async Task Token_id_prompts_are_accepted()
    {
        var ids = Reference.Model.Tokenizer.Encode(Prompt);
        var (_, byText) = await Json.PostAsync(Server.Http, "/v1/completions", new { prompt = Prompt, max_tokens = 10, temperature = 0 });
        var (_, byIds) = await Json.PostAsync(Server.Http, "/v1/completions", new { prompt = ids, max_tokens = 10, temperature = 0 });
        Assert.Equal(byText["choices"]![0]!["text"].Str(), byIds["choices"]![0]!["text"].Str());
    }

    [Fact]
    public async Task A_stop_string_ends_the_text_before_it_with_finish_reason_stop()
    {
        var ids = Reference.Model.Tokenizer.Encode(Prompt);
        var free = Reference.Generate(ids, new SamplingParams { Temperature = 0, MaxTokens = 60, IgnoreEos = true }).Text;
        // A word from the middle of the free-running text.
        string stop = free.Split(' ', StringSplitOptions.RemoveEmptyEntries)[5];
        int at = free.IndexOf(stop, StringComparison.Ordinal);
        var (_, body) = await Json.PostAsync(Server.Http, "/v1/completions", new { prompt = Prompt, max_tokens = 60, temperature = 0, ignore_eos = true, stop });
        var choice = body["choices"]![0]!;
        Assert.Equal(free[..at], choice["text"].Str());
        Assert.Equal("stop", choice["finish_reason"].Str());
    }

    [Fact]
    public async Task Max_tokens_ends_with_length_and_a_seed_makes_sampling_reproducible()
    {
        object Request(long seed) => new { prompt = Prompt, max_tokens = 12, temperature = 1.0, top_p = 0.9, seed, ignore_eos = true, presence_penalty = 0.5, frequency_penalty = 0.5, user = "tester" };
        var (_, a) = await Json.PostAsync(Server.Http, "/v1/completions", Request(7));
        var (_, b) = await Json.PostAsync(Server.Http, "/v1/completions", Request(7));
        Assert.Equal("length", a["choices"]![0]!["finish_reason"].Str());
        Assert.Equal(12, a["usage"]!["completion_tokens"].Int());
        Assert.Equal(a["choices"]![0]!["text"].Str(), b["choices"]![0]!["text"].Str());
        var ids = Reference.Model.Tokenizer.Encode(Prompt);
        var expected = Reference.Generate(ids, new SamplingParams { Temperature = 1, TopP = 0.9f, Seed = 7, MaxTokens = 12, IgnoreEos = true, PresencePenalty = 0.5f, FrequencyPenalty = 0.5f });
        Assert.Equal(expected.Text, a["choices"]![0]!["text"].Str());
    }

    [Fact]
    public async Task Logprobs_list_one_entry_per_token_with_at_most_k_alternatives()
    {
        var (_, body) = await Json.PostAsync(Server.Http, "/v1/completions", new { prompt = Prompt, max_tokens = 10, temperature = 0, ignore_eos = true, logprobs = 3 });
        var lp = body["choices"]![0]!["logprobs"]!;
        var tokens = lp["tokens"]!.AsArray();
        Assert.Equal(10, tokens.Count);
        Assert.Equal(10, lp["token_logprobs"]!.AsArray().Count);
        Assert.All(lp["token_logprobs"]!.AsArray(), l => Assert.True(l!.GetValue<float>() <= 0));
        Assert.All(lp["top_logprobs"]!.AsArray(), t => Assert.InRange(t!.AsObject().Count, 1, 3));
        // Greedy: the chosen token is the most likely, so its logprob is the best of the alternatives.
        for (int i = 0; i < 10; i++)
            Assert.Equal(lp["top_logprobs"]![i]!.AsObject().Max(kv => kv.Value!.GetValue<float>()), lp["token_logprobs"]![i]!.GetValue<float>(), 4);
        var offsets = lp["text_offset"]!.AsArray().Select(o => o!.GetValue<int>()).ToList();
        Assert.Equal(offsets.Order(), offsets);
    }

    [Fact]
    public async Task Echo_puts_the_prompt_first()
    {
        var (_, plain) = await Json.PostAsync(Server.Http, "/v1/completions", new { prompt = Prompt, max_tokens = 5, temperature = 0 });
        var (_, echoed) = await Json.PostAsync(Server.Http, "/v1/completions", new { prompt = Prompt, max_tokens = 5, temperature = 0, echo = true });
        Assert.Equal(Reference.Model.Tokenizer.Decode(Reference.Model.Tokenizer.Encode(Prompt)) + plain["choices"]![0]!["text"].Str(), echoed["choices"]![0]!["text"].Str());
    }

    [Fact]
    public async Task Max_tokens_defaults_to_the_rest_of_the_context()
    {
        var ids = Reference.Model.Tokenizer.Encode(Prompt);
        var (_, body) = await Json.PostAsync(Server.Http, "/v1/completions", new { prompt = Prompt, temperature = 0, ignore_eos = true });
        Assert.Equal(Server.Model.MaxContext - ids.Length, body["usage"]!["completion_tokens"].Int());
        Assert.Equal("length", body["choices"]![0]!["finish_reason"].Str());
    }

}
