using System.Net;

namespace InferenceServer.Server.Tests;

/// <summary>Chat completions details the client library hides: chunk shapes, n, max_completion_tokens.</summary>
[Collection(ServerCollection.Name)]
public sealed class ChatRawTests(ServerFixture fixture)
{
    private TestServer Server => fixture.Server;
    private static readonly object[] Messages = [new { role = "system", content = "You tell stories." }, new { role = "user", content = "A story about a dog." }];

    [Fact]
    public async Task Streamed_choices_open_with_the_role_and_close_with_a_finish_reason()
    {
        var events = await Json.StreamAsync(Server.Http, "/v1/chat/completions",
            new { messages = Messages, n = 2, max_completion_tokens = 10, temperature = 0, ignore_eos = true, stream = true });
        Assert.All(events, e => Assert.Equal("chat.completion.chunk", e["object"].Str()));
        for (int i = 0; i < 2; i++)
        {
            var mine = events.Select(e => e["choices"]![0]!).Where(c => c["index"].Int() == i).ToList();
            Assert.Equal("assistant", mine[0]["delta"]!["role"].Str());
            Assert.Equal("", mine[0]["delta"]!["content"].Str());
            Assert.All(mine.Skip(1), c => Assert.Null(c["delta"]!["role"]));
            Assert.Equal("length", mine[^1]["finish_reason"].Str());
            Assert.All(mine.SkipLast(1), c => Assert.Null(c["finish_reason"]));
        }
        // Without stream_options.include_usage there is no usage chunk.
        Assert.All(events, e => Assert.Null(e["usage"]));
    }

    [Fact]
    public async Task Non_streamed_n_choices_each_have_a_message()
    {
        var (response, body) = await Json.PostAsync(Server.Http, "/v1/chat/completions",
            new { messages = Messages, n = 3, max_tokens = 6, temperature = 0, ignore_eos = true });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("chat.completion", body["object"].Str());
        var choices = body["choices"]!.AsArray();
        Assert.Equal([0, 1, 2], choices.Select(c => c!["index"].Int()));
        Assert.Single(choices.Select(c => c!["message"]!["content"].Str()).Distinct());
        Assert.All(choices, c => Assert.Equal("assistant", c!["message"]!["role"].Str()));
        Assert.Equal(18, body["usage"]!["completion_tokens"].Int());
    }

    [Fact]
    public async Task Tokenize_with_messages_counts_the_prompt_the_chat_endpoint_uses()
    {
        var (_, tokens) = await Json.PostAsync(Server.Http, "/tokenize", new { messages = Messages });
        var (_, chat) = await Json.PostAsync(Server.Http, "/v1/chat/completions", new { messages = Messages, max_tokens = 1 });
        Assert.Equal(tokens["count"].Int(), chat["usage"]!["prompt_tokens"].Int());
        Assert.Equal(Server.Model.MaxContext, tokens["max_model_len"].Int());
    }

    [Fact]
    public async Task Tokenize_and_detokenize_round_trip_through_the_tokenizer()
    {
        const string Text = "Lily saw a big red ball.";
        var (_, tokens) = await Json.PostAsync(Server.Http, "/tokenize", new { prompt = Text });
        var ids = tokens["tokens"]!.AsArray().Select(t => t!.GetValue<int>()).ToArray();
        Assert.Equal(Reference.Model.Tokenizer.Encode(Text), ids);
        Assert.Equal(ids.Length, tokens["count"].Int());
        var (_, text) = await Json.PostAsync(Server.Http, "/detokenize", new { tokens = ids });
        Assert.Equal(Reference.Model.Tokenizer.Decode(ids), text["prompt"].Str());
    }

    [Fact]
    public async Task Health_ready_and_models_answer()
    {
        Assert.Equal(HttpStatusCode.OK, (await Server.Http.GetAsync("/health")).StatusCode);
        var ready = await Server.Http.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var models = System.Text.Json.Nodes.JsonNode.Parse(await Server.Http.GetStringAsync("/v1/models"))!;
        Assert.Equal("list", models["object"].Str());
        var card = models["data"]![0]!;
        Assert.Equal(Server.Model.Name, card["id"].Str());
        Assert.Equal("model", card["object"].Str());
        Assert.Equal(Server.Model.MaxContext, card["max_model_len"].Int());
    }
}
