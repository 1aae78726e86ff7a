using InferenceServer.Server.Errors;
using InferenceServer.Server.OpenAi.Contracts;
using InferenceServer.Server.OpenAi.Requests;
using InferenceServer.Server.Serving;

namespace InferenceServer.Server.OpenAi.Endpoints;

/// <summary>vLLM's <c>POST /tokenize</c> and <c>POST /detokenize</c>.</summary>
public static class TokenizeEndpoints
{
    public static async Task<IResult> TokenizeAsync(HttpContext context, ServedModel model)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(model);
        using var body = await RequestBodyReader.ReadObjectAsync(context.Request).ConfigureAwait(false);
        var request = RequestBodyReader.Bind<TokenizeRequest>(body.RootElement);
        model.Select(request.Model);
        int[] tokens;
        if (request.Messages is not null)
            tokens = ChatPrompt.Build(body.RootElement, model.ChatTemplates, model.Tokenizer);
        else if (request.Prompt is { } prompt)
            tokens = model.Tokenizer.Encode(prompt, request.AddSpecialTokens ?? true);
        else
            throw ServerException.BadRequest("Give 'prompt' or 'messages'.", "prompt");
        return Results.Json(new TokenizeResponse(tokens.Length, model.MaxContext, tokens), OpenAiJson.Options);
    }

    public static async Task<IResult> DetokenizeAsync(HttpContext context, ServedModel model)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(model);
        using var body = await RequestBodyReader.ReadObjectAsync(context.Request).ConfigureAwait(false);
        var request = RequestBodyReader.Bind<DetokenizeRequest>(body.RootElement);
        model.Select(request.Model);
        var tokens = request.Tokens ?? throw ServerException.BadRequest("'tokens' is required.", "tokens");
        foreach (int t in tokens)
            if ((uint)t >= (uint)model.Tokenizer.VocabSize) throw ServerException.BadRequest($"token id {t} is outside the vocabulary of {model.Tokenizer.VocabSize}", "tokens");
        return Results.Json(new DetokenizeResponse(model.Tokenizer.Decode(tokens.ToArray())), OpenAiJson.Options);
    }
}
