using InferenceServer.Engine.Requests;
using InferenceServer.Server.Configuration;
using InferenceServer.Server.OpenAi.Contracts;
using InferenceServer.Server.OpenAi.Requests;
using InferenceServer.Server.Sessions;
using InferenceServer.Server.Versions;

namespace InferenceServer.Server.OpenAi.Endpoints;

/// <summary><c>POST /v1/chat/completions</c>: the messages rendered with the model's chat template, n choices, SSE or whole.</summary>
public static class ChatCompletionsEndpoint
{
    private const string Object = "chat.completion";
    private const string ChunkObject = "chat.completion.chunk";
    private const string Assistant = "assistant";

    public static async Task HandleAsync(HttpContext context, ModelCatalog catalog, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        using var body = await RequestBodyReader.ReadObjectAsync(context.Request).ConfigureAwait(false);
        var request = RequestBodyReader.Bind<ChatCompletionRequest>(body.RootElement);
        ChatRequestValidator.Validate(body.RootElement);
        var route = await catalog.RouteAsync(context, request.Model, request.User).ConfigureAwait(false);
        var (generation, selected) = (route.Generation, route.Selected);
        var model = generation.Model;
        var prompt = ChatPrompt.Build(body.RootElement, model.ChatTemplates, model.Tokenizer);
        int n = SamplingMapper.Choices(request, options.MaxChoices);
        var sampling = SamplingMapper.ToSampling(request, prompt.Length, model.MaxContext);
        var sequences = Enumerable.Range(0, n)
            .Select(i => new SequenceSpec(i, 0, new EngineRequest { PromptTokens = prompt, Sampling = sampling, CacheSalt = request.CacheSalt, Adapter = selected.Adapter }))
            .ToList();

        string id = ResponseIds.New("chatcmpl-");
        long created = ResponseIds.Now();
        var logprobs = new LogprobFormatter(model.Tokenizer);
        bool wantLogprobs = request.Logprobs == true;
        await using var session = await generation.StartAsync(sequences, context.RequestAborted).ConfigureAwait(false);
        route.Session = session;
        route.Shadow?.Start(sequences);
        if (request.Stream == true)
        {
            ChatCompletionChunk Chunk(ChatChunkChoice choice) => new(id, ChunkObject, created, selected.Id, [choice], null);
            // Each choice opens with the assistant role and empty content, as OpenAI streams it.
            var opening = sequences.Select(s => (object)Chunk(new ChatChunkChoice(s.Index, new ChatDelta(Assistant, ""), null, null)));
            object? Next(ChoiceOutput c)
            {
                route.Shadow?.Streamed(c);
                var o = c.Output;
                ChatLogprobs? lp = wantLogprobs && o.TokenId >= 0 ? new ChatLogprobs([logprobs.Chat(o)]) : null;
                if (o.TextDelta.Length == 0 && lp is null && !o.IsFinal) return null;
                var delta = new ChatDelta(null, o.TextDelta.Length > 0 ? o.TextDelta : null);
                return Chunk(new ChatChunkChoice(c.Index, delta, lp, o.Finish.ToWireName()));
            }
            bool includeUsage = request.StreamOptions?.IncludeUsage == true;
            await SseStreaming.RunAsync(context, session, includeUsage, opening, Next,
                usage => new ChatCompletionChunk(id, ChunkObject, created, selected.Id, [], usage)).ConfigureAwait(false);
            route.Shadow?.StreamEnded(sequences.Count);
            return;
        }

        var results = await ChoiceResult.CollectAsync(session, n).ConfigureAwait(false);
        route.Shadow?.Answered(results.Select(r => r.Text.ToString()).ToList());
        var choices = results.Select((r, i) => new ChatChoice(
            i,
            new ChatMessage(Assistant, r.Text.ToString(), null),
            wantLogprobs ? new ChatLogprobs(r.Tokens.Select(t => logprobs.Chat(t)).ToList()) : null,
            r.FinishReason)).ToList();
        var response = new ChatCompletionResponse(id, Object, created, selected.Id, choices, Usage.Of(results.Select(r => r.Final!.Value)));
        await Results.Json(response, OpenAiJson.Options).ExecuteAsync(context).ConfigureAwait(false);
    }
}
