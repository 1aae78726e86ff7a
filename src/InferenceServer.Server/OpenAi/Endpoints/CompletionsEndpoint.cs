using InferenceServer.Engine.Requests;
using InferenceServer.Server.Configuration;
using InferenceServer.Server.OpenAi.Contracts;
using InferenceServer.Server.OpenAi.Requests;
using InferenceServer.Server.Sessions;
using InferenceServer.Server.Versions;

namespace InferenceServer.Server.OpenAi.Endpoints;

/// <summary><c>POST /v1/completions</c>: every prompt gets n choices, streamed as SSE or returned whole.</summary>
public static class CompletionsEndpoint
{
    private const string Object = "text_completion";

    public static async Task HandleAsync(HttpContext context, ModelCatalog catalog, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        using var body = await RequestBodyReader.ReadObjectAsync(context.Request).ConfigureAwait(false);
        var request = RequestBodyReader.Bind<CompletionRequest>(body.RootElement);
        var route = await catalog.RouteAsync(context, request.Model, request.User).ConfigureAwait(false);
        var (generation, selected) = (route.Generation, route.Selected);
        var model = generation.Model;
        var prompts = CompletionPrompts.Read(request.Prompt, model.Tokenizer);
        int n = SamplingMapper.Choices(request, options.MaxChoices);
        var sequences = new List<SequenceSpec>();
        for (int p = 0; p < prompts.Count; p++)
        {
            var sampling = SamplingMapper.ToSampling(request, prompts[p].Length, model.MaxContext);
            for (int i = 0; i < n; i++)
                sequences.Add(new SequenceSpec(p * n + i, p, new EngineRequest { PromptTokens = prompts[p], Sampling = sampling, CacheSalt = request.CacheSalt, Adapter = selected.Adapter }));
        }
        // Echo repeats each prompt's text before its choices' text.
        string[] echo = request.Echo == true ? prompts.Select(p => model.Tokenizer.Decode(p)).ToArray() : Enumerable.Repeat("", prompts.Count).ToArray();

        string id = ResponseIds.New("cmpl-");
        long created = ResponseIds.Now();
        var logprobs = new LogprobFormatter(model.Tokenizer);
        await using var session = await generation.StartAsync(sequences, context.RequestAborted).ConfigureAwait(false);
        route.Session = session;
        route.Shadow?.Start(sequences);
        if (request.Stream == true)
        {
            var sentEcho = new bool[sequences.Count];
            var offsets = new int[sequences.Count];
            object? Chunk(ChoiceOutput c)
            {
                route.Shadow?.Streamed(c);
                var o = c.Output;
                string text = sentEcho[c.Index] ? o.TextDelta : echo[c.PromptIndex] + o.TextDelta;
                sentEcho[c.Index] = true;
                CompletionLogprobs? lp = null;
                if (request.Logprobs is not null && o.TokenId >= 0)
                {
                    lp = LogprobFormatter.EmptyCompletion();
                    logprobs.AppendCompletion(lp, o, offsets[c.Index]);
                }
                offsets[c.Index] += text.Length;
                if (text.Length == 0 && lp is null && !o.IsFinal) return null;
                var choice = new CompletionChoice(c.Index, text, lp, o.Finish.ToWireName());
                return new CompletionResponse(id, Object, created, selected.Id, [choice], null);
            }
            bool includeUsage = request.StreamOptions?.IncludeUsage == true;
            await SseStreaming.RunAsync(context, session, includeUsage, [], Chunk,
                usage => new CompletionResponse(id, Object, created, selected.Id, [], usage)).ConfigureAwait(false);
            route.Shadow?.StreamEnded(sequences.Count);
            return;
        }

        var results = await ChoiceResult.CollectAsync(session, sequences.Count).ConfigureAwait(false);
        route.Shadow?.Answered(results.Select(r => r.Text.ToString()).ToList());
        var choices = results.Select((r, i) =>
        {
            string prefix = echo[sequences[i].PromptIndex];
            CompletionLogprobs? lp = null;
            if (request.Logprobs is not null)
            {
                lp = LogprobFormatter.EmptyCompletion();
                int offset = prefix.Length;
                foreach (var t in r.Tokens)
                {
                    logprobs.AppendCompletion(lp, t, offset);
                    offset += t.TextDelta.Length;
                }
            }
            return new CompletionChoice(i, prefix + r.Text, lp, r.FinishReason);
        }).ToList();
        var response = new CompletionResponse(id, Object, created, selected.Id, choices, Usage.Of(results.Select(r => r.Final!.Value)));
        await Results.Json(response, OpenAiJson.Options).ExecuteAsync(context).ConfigureAwait(false);
    }
}
