using InferenceServer.Server.OpenAi.Contracts;
using InferenceServer.Server.OpenAi.Requests;
using InferenceServer.Server.Serving;

namespace InferenceServer.Server.OpenAi.Endpoints;

/// <summary>
/// vLLM's <c>POST /v1/load_lora_adapter</c> and <c>POST /v1/unload_lora_adapter</c>: admin calls (behind the API key)
/// answering 200 with vLLM's plain-text success line, or an OpenAI error (400, 404 for an unknown name).
/// </summary>
public static class LoraAdapterEndpoints
{
    public static async Task<IResult> LoadAsync(HttpContext context, ServedModel model)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(model);
        using var body = await RequestBodyReader.ReadObjectAsync(context.Request).ConfigureAwait(false);
        var request = RequestBodyReader.Bind<LoadLoraAdapterRequest>(body.RootElement);
        await model.Adapters.LoadAsync(request.LoraName, request.LoraPath, request.LoadInplace == true).ConfigureAwait(false);
        return Results.Text($"Success: LoRA adapter '{request.LoraName}' added successfully.");
    }

    public static async Task<IResult> UnloadAsync(HttpContext context, ServedModel model)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(model);
        using var body = await RequestBodyReader.ReadObjectAsync(context.Request).ConfigureAwait(false);
        var request = RequestBodyReader.Bind<UnloadLoraAdapterRequest>(body.RootElement);
        await model.Adapters.UnloadAsync(request.LoraName).ConfigureAwait(false);
        return Results.Text($"Success: LoRA adapter '{request.LoraName}' removed successfully.");
    }
}
