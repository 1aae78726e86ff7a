using global::Grpc.Core;
using InferenceServer.Engine.Requests;
using InferenceServer.Engine.Sampling;
using InferenceServer.Server.Errors;
using InferenceServer.Server.Grpc.V1;
using InferenceServer.Server.Sessions;
using InferenceServer.Server.Versions;

namespace InferenceServer.Server.Grpc;

/// <summary>
/// The <c>inference.v1.Inference</c> service; the call's deadline and cancellation abort its engine request. Generate
/// routes by "model" as the HTTP API does (versions, canary, faults; the version in <c>x-model-version</c> metadata);
/// the other calls use the default model.
/// </summary>
public sealed class InferenceGrpcService(GenerationService generation, ModelCatalog catalog) : Inference.InferenceBase
{
    public override async Task Generate(GenerateRequest request, IServerStreamWriter<GenerateResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var route = await catalog.RouteAsync(context.GetHttpContext(), request.Model, null).ConfigureAwait(false);
        var model = route.Generation.Model;
        if (route.Version is not null && !string.IsNullOrEmpty(request.Adapter))
            throw ServerException.BadRequest("LoRA adapters are not served with --models-dir.", "adapter");
        string? adapter = route.Version is null ? SelectAdapter(request.Model, request.Adapter) : null;
        int[] prompt = request.PromptCase switch
        {
            GenerateRequest.PromptOneofCase.Text => model.Tokenizer.Encode(request.Text),
            GenerateRequest.PromptOneofCase.TokenIds => [.. request.TokenIds.Ids],
            _ => throw ServerException.BadRequest("give the prompt as text or token_ids"),
        };
        var engineRequest = new EngineRequest
        {
            PromptTokens = prompt,
            Sampling = ToSampling(request.Sampling, prompt.Length, model.MaxContext),
            CacheSalt = string.IsNullOrEmpty(request.CacheSalt) ? null : request.CacheSalt,
            Adapter = adapter,
            // The engine also stops the request at its deadline itself, at the next step.
            Deadline = context.Deadline == DateTime.MaxValue ? null : new DateTimeOffset(context.Deadline, TimeSpan.Zero),
        };
        var sequences = new[] { new SequenceSpec(0, 0, engineRequest) };
        await using var session = await route.Generation.StartAsync(sequences, context.CancellationToken).ConfigureAwait(false);
        route.Session = session;
        route.Shadow?.Start(sequences);
        await foreach (var c in session.ReadAllAsync().ConfigureAwait(false))
        {
            route.Shadow?.Streamed(c);
            var o = c.Output;
            var message = new GenerateResponse { Text = o.TextDelta };
            if (o.TokenId >= 0)
            {
                message.TokenIds.Add(o.TokenId);
                if (engineRequest.Sampling.Logprobs is not null)
                {
                    message.Logprobs.Add(o.Sample.Logprob);
                    if (o.Sample.TopLogprobs is { } top)
                        message.TopLogprobs.AddRange(top.Select(t => new V1.TokenLogprob { TokenId = t.TokenId, Logprob = t.Logprob }));
                }
            }
            if (o.Finish is { } finish)
            {
                message.FinishReason = Engine.Outputs.FinishReasonNames.ToWire(finish);
                message.Usage = new Usage
                {
                    PromptTokens = o.Usage.PromptTokens,
                    CompletionTokens = o.Usage.CompletionTokens,
                    CachedPromptTokens = o.Usage.CachedPromptTokens,
                    TotalTokens = o.Usage.TotalTokens,
                };
            }
            await responseStream.WriteAsync(message, context.CancellationToken).ConfigureAwait(false);
        }
        route.Shadow?.StreamEnded(sequences.Length);
    }

    public override Task<TokenizeResponse> Tokenize(TokenizeRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckModel(request.Model);
        var response = new TokenizeResponse { MaxModelLen = generation.Model.MaxContext };
        response.TokenIds.AddRange(generation.Model.Tokenizer.Encode(request.Text, request.AddSpecialTokens));
        return Task.FromResult(response);
    }

    public override Task<ListModelsResponse> ListModels(ListModelsRequest request, ServerCallContext context)
    {
        var response = new ListModelsResponse();
        // A models folder: every loaded version, so clients can see what name@version may pin.
        foreach (var (version, served) in catalog.Models.Values.SelectMany(v => v.Versions.OrderBy(x => x.Key, StringComparer.Ordinal)))
            response.Models.Add(new ModelInfo { Id = served.Model.Name, Version = version, MaxModelLen = served.Model.MaxContext, Created = served.Model.Created, Root = served.Model.Path });
        if (catalog.Models.Count > 0) return Task.FromResult(response);
        var m = generation.Model;
        response.Models.Add(new ModelInfo { Id = m.Name, Version = m.Version, MaxModelLen = m.MaxContext, Created = m.Created, Root = m.Path });
        foreach (var (name, path) in m.Adapters.Known)
            response.Models.Add(new ModelInfo { Id = name, Version = m.Version, MaxModelLen = m.MaxContext, Created = m.Created, Root = path, Parent = m.Name });
        return Task.FromResult(response);
    }

    public override async Task<LoraAdapterResponse> LoadLoraAdapter(LoadLoraAdapterRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        await generation.Model.Adapters.LoadAsync(request.LoraName, request.LoraPath, request.LoadInplace).ConfigureAwait(false);
        return new LoraAdapterResponse { Message = $"Success: LoRA adapter '{request.LoraName}' added successfully." };
    }

    public override async Task<LoraAdapterResponse> UnloadLoraAdapter(UnloadLoraAdapterRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        await generation.Model.Adapters.UnloadAsync(request.LoraName).ConfigureAwait(false);
        return new LoraAdapterResponse { Message = $"Success: LoRA adapter '{request.LoraName}' removed successfully." };
    }

    private void CheckModel(string requested) => generation.Model.Select(requested);

    /// <summary>The adapter field wins; "model" may name the same adapter, the base model or be empty.</summary>
    private string? SelectAdapter(string model, string adapter)
    {
        var selected = generation.Model.Select(model);
        if (string.IsNullOrEmpty(adapter)) return selected.Adapter;
        if (selected.Adapter is { } other && other != adapter)
            throw ServerException.BadRequest($"'model' names the LoRA adapter '{other}' but 'adapter' names '{adapter}'.", "adapter");
        return generation.Model.Select(adapter).Adapter;
    }

    private static readonly SamplingParams Defaults = new();

    private static SamplingParams ToSampling(SamplingParameters? p, int promptTokens, int maxContext)
    {
        p ??= new SamplingParameters();
        // The engine's defaults, overridden only by the fields the request sets.
        var d = Defaults;
        return d with
        {
            Temperature = p.HasTemperature ? p.Temperature : d.Temperature,
            TopP = p.HasTopP ? p.TopP : d.TopP,
            TopK = p.HasTopK ? p.TopK : d.TopK,
            MinP = p.HasMinP ? p.MinP : d.MinP,
            PresencePenalty = p.HasPresencePenalty ? p.PresencePenalty : d.PresencePenalty,
            FrequencyPenalty = p.HasFrequencyPenalty ? p.FrequencyPenalty : d.FrequencyPenalty,
            RepetitionPenalty = p.HasRepetitionPenalty ? p.RepetitionPenalty : d.RepetitionPenalty,
            Seed = p.HasSeed ? p.Seed : d.Seed,
            MaxTokens = p.HasMaxTokens ? p.MaxTokens : Math.Max(1, maxContext - promptTokens),
            Stop = [.. p.Stop],
            StopTokenIds = [.. p.StopTokenIds],
            IgnoreEos = p.IgnoreEos,
            Logprobs = p.HasLogprobs ? p.Logprobs : null,
            LogitBias = new Dictionary<int, float>(p.LogitBias),
        };
    }
}
