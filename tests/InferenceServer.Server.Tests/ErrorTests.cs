using System.Net;
using System.Text.Json.Nodes;

namespace InferenceServer.Server.Tests;

/// <summary>Every bad request gets OpenAI's error JSON with the right status, and the server keeps serving.</summary>
[Collection(ServerCollection.Name)]
public sealed class ErrorTests(ServerFixture fixture)
{
    private TestServer Server => fixture.Server;

    private static void AssertError(HttpResponseMessage response, JsonNode body, HttpStatusCode status, string type, string? param = null, string? code = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = body["error"]!.AsObject();
        Assert.Equal(["message", "type", "param", "code"], error.Select(kv => kv.Key));
        Assert.False(string.IsNullOrWhiteSpace(error["message"].Str()));
        Assert.Equal(type, error["type"].Str());
        Assert.Equal(param, error["param"]?.GetValue<string>());
        if (code is not null) Assert.Equal(code, error["code"].Str());
    }

    [Theory]
    [InlineData("/v1/completions", "{\"prompt\": \"Once\", ")]
    [InlineData("/v1/chat/completions", "not json at all")]
    [InlineData("/v1/completions", "[1, 2, 3]")]
    [InlineData("/tokenize", "{")]
    public async Task Malformed_json_is_a_400(string path, string body)
    {
        var (response, error) = await Json.PostRawAsync(Server.Http, path, body);
        AssertError(response, error, HttpStatusCode.BadRequest, "invalid_request_error");
    }

    [Theory]
    [InlineData("/v1/chat/completions", "{\"messages\": []}", "messages")]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"wizard\", \"content\": \"hi\"}]}", "messages")]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": [1, 2]}]}", "messages")]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": 5}]}", "messages")]
    [InlineData("/v1/chat/completions", "{\"messages\": [\"hi\"]}", "messages")]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"tools\": \"x\"}", "tools")]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"tools\": [{\"type\": \"function\"}]}", "tools")]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"response_format\": \"garbage\"}", "response_format")]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"response_format\": {\"type\": \"yaml\"}}", "response_format")]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"top_logprobs\": 50, \"logprobs\": true}", "top_logprobs")]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"top_logprobs\": 3}", "top_logprobs")]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_completion_tokens\": -1}", "max_tokens")]
    [InlineData("/v1/completions", "{\"prompt\": \"Once\", \"top_k\": -5}", "top_k")]
    [InlineData("/v1/completions", "{\"prompt\": \"Once\", \"stop_token_ids\": [-1]}", "stop_token_ids")]
    [InlineData("/v1/completions", "{\"prompt\": \"Once\", \"stop_token_ids\": [1000000000]}", "stop_token_ids")]
    [InlineData("/v1/completions", "{\"prompt\": \"Once\", \"best_of\": 1000}", "best_of")]
    [InlineData("/v1/completions", "{\"prompt\": \"Once\", \"logit_bias\": {\"abc\": 1}}", "logit_bias")]
    [InlineData("/v1/completions", "{\"prompt\": \"Once\", \"logit_bias\": {\"5\": 200}}", "logit_bias")]
    [InlineData("/v1/completions", "{\"prompt\": \"Once\", \"logit_bias\": {\"-3\": 1}}", "logit_bias")]
    [InlineData("/v1/completions", "{\"prompt\": \"Once\", \"logit_bias\": {\"999999999\": 1}}", "logit_bias")]
    [InlineData("/v1/completions", "{\"prompt\": \"Once\", \"logit_bias\": [1, 2]}", "logit_bias")]
    public async Task Requests_that_were_accepted_but_invalid_are_400s_naming_the_field(string path, string body, string field)
    {
        var (response, error) = await Json.PostRawAsync(Server.Http, path, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", error["error"]!["type"].Str());
        Assert.Contains(field, error["error"]!["message"].Str() + " " + error["error"]!["param"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Routing_admin_on_a_single_model_says_it_needs_a_models_folder_not_that_the_model_is_missing()
    {
        var response = await Server.Http.PostAsync($"/admin/routing/{Server.Model.Name}/promote", null);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("--models-dir", error["error"]!["message"].Str(), StringComparison.Ordinal);
        var unknown = await Server.Http.PostAsync("/admin/routing/no-such-model/promote", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [InlineData("/v1/completions", "{\"prompt\": \"Once \\ud800 upon\"}")]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"\\udfff\"}]}")]
    [InlineData("/v1/completions", "{\"prompt\": \"Once\", \"stop\": [\"\\ud83d\"]}")]
    [InlineData("/tokenize", "{\"prompt\": \"a\\ud800\"}")]
    public async Task Unpaired_surrogate_escapes_are_a_400(string path, string body)
    {
        var (response, error) = await Json.PostRawAsync(Server.Http, path, body);
        AssertError(response, error, HttpStatusCode.BadRequest, "invalid_request_error");
        Assert.Contains("surrogate", error["error"]!["message"].Str(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/completions", "{\"prompt\": \"Once \xFF upon\"}")]
    [InlineData("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"caf\xC3\"}]}")]
    [InlineData("/v1/completions", "{\"prompt\": \"Once\", \"\xFE\": 1}")]
    public async Task Invalid_utf8_in_the_body_is_a_400(string path, string latin1Body)
    {
        // The string's chars are the body's bytes (Latin-1), so 0xFF and a truncated 0xC3 reach the server as such.
        using var content = new ByteArrayContent(System.Text.Encoding.Latin1.GetBytes(latin1Body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var response = await Server.Http.PostAsync(path, content);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        AssertError(response, error, HttpStatusCode.BadRequest, "invalid_request_error");
        var (ok, _) = await Json.PostAsync(Server.Http, "/v1/completions", new { prompt = "Once", max_tokens = 2 });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Theory]
    [InlineData("{\"prompt\": \"Once\", \"max_tokens\": \"ten\"}", "max_tokens")]
    [InlineData("{\"prompt\": \"Once\", \"temperature\": \"hot\"}", "temperature")]
    [InlineData("{\"prompt\": \"Once\", \"stream\": 1}", "stream")]
    [InlineData("{\"prompt\": \"Once\", \"stop\": 5}", "stop")]
    [InlineData("{\"prompt\": 5}", "prompt")]
    [InlineData("{\"prompt\": \"Once\", \"n\": 0}", "n")]
    [InlineData("{\"prompt\": \"Once\", \"logprobs\": 50}", "logprobs")]
    public async Task Wrong_types_and_ranges_are_400s_naming_the_field(string body, string param)
    {
        var (response, error) = await Json.PostRawAsync(Server.Http, "/v1/completions", body);
        AssertError(response, error, HttpStatusCode.BadRequest, "invalid_request_error", param);
    }

    [Theory]
    [InlineData("{\"prompt\": \"Once\", \"temperature\": -1}", "temperature")]
    [InlineData("{\"prompt\": \"Once\", \"top_p\": 0}", "top_p")]
    [InlineData("{\"prompt\": \"Once\", \"presence_penalty\": 3}", "presence_penalty")]
    [InlineData("{\"prompt\": \"Once\", \"max_tokens\": 0}", "max_tokens")]
    public async Task Sampling_values_out_of_range_are_400s_with_the_engines_message(string body, string field)
    {
        var (response, error) = await Json.PostRawAsync(Server.Http, "/v1/completions", body);
        AssertError(response, error, HttpStatusCode.BadRequest, "invalid_request_error");
        Assert.Contains(field, error["error"]!["message"].Str(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_messages_is_a_400()
    {
        var (response, error) = await Json.PostAsync(Server.Http, "/v1/chat/completions", new { model = Server.Model.Name });
        AssertError(response, error, HttpStatusCode.BadRequest, "invalid_request_error", "messages");
    }

    [Fact]
    public async Task Unknown_model_is_a_404_model_not_found()
    {
        var (response, error) = await Json.PostAsync(Server.Http, "/v1/completions", new { model = "gpt-5", prompt = "Once" });
        AssertError(response, error, HttpStatusCode.NotFound, "invalid_request_error", "model", "model_not_found");
        Assert.Contains("gpt-5", error["error"]!["message"].Str(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prompt_plus_max_tokens_beyond_the_context_is_a_400_with_the_engines_message()
    {
        var (response, error) = await Json.PostAsync(Server.Http, "/v1/completions", new { prompt = "Once upon a time", max_tokens = Server.Model.MaxContext });
        AssertError(response, error, HttpStatusCode.BadRequest, "invalid_request_error");
        Assert.Contains($"maximum context length is {Server.Model.MaxContext} tokens", error["error"]!["message"].Str(), StringComparison.Ordinal);

        string longPrompt = string.Concat(Enumerable.Repeat("the cat sat on the mat. ", 200));
        var (chatResponse, chatError) = await Json.PostAsync(Server.Http, "/v1/chat/completions", new { messages = new[] { new { role = "user", content = longPrompt } } });
        AssertError(chatResponse, chatError, HttpStatusCode.BadRequest, "invalid_request_error");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413()
    {
        string prompt = new('a', (int)Server.Options.MaxRequestBodyBytes + 1000);
        var (response, error) = await Json.PostAsync(Server.Http, "/v1/completions", new { prompt, max_tokens = 1 });
        AssertError(response, error, (HttpStatusCode)413, "invalid_request_error");
    }

    [Fact]
    public async Task Unknown_routes_and_methods_answer_in_the_same_format()
    {
        var missing = await Server.Http.GetAsync("/v1/nothing");
        AssertError(missing, JsonNode.Parse(await missing.Content.ReadAsStringAsync())!, HttpStatusCode.NotFound, "invalid_request_error");
        // Routing answers a wrong method with 404 or 405 (gRPC's catch-all routes take part); either way in OpenAI's format.
        var wrongMethod = await Server.Http.GetAsync("/v1/completions");
        var status = wrongMethod.StatusCode is HttpStatusCode.MethodNotAllowed ? HttpStatusCode.MethodNotAllowed : HttpStatusCode.NotFound;
        AssertError(wrongMethod, JsonNode.Parse(await wrongMethod.Content.ReadAsStringAsync())!, status, "invalid_request_error");
    }

    [Fact]
    public async Task Bad_requests_do_not_disturb_a_stream_in_flight()
    {
        var streaming = Json.StreamAsync(Server.Http, "/v1/completions", new { prompt = "Once upon a time", max_tokens = 80, temperature = 0, ignore_eos = true, stream = true });
        for (int i = 0; i < 5; i++)
        {
            var (response, _) = await Json.PostRawAsync(Server.Http, "/v1/completions", "{\"prompt\": ");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        var events = await streaming;
        Assert.Equal("length", events[^1]["choices"]![0]!["finish_reason"].Str());
    }
}
