using InferenceServer.Server.Hosting;
using InferenceServer.Server.OpenAi.Contracts;
using Microsoft.AspNetCore.Http;

namespace InferenceServer.Server.OpenAi.Endpoints;

/// <summary><c>GET /v1/models</c>: the served model, then its LoRA adapters with the model as parent (as vLLM lists them).</summary>
public static class ModelsEndpoint
{
    private const string OwnedBy = "inference-server";

    public static IResult Handle(ServedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var cards = new List<ModelCard> { new(model.Name, "model", model.Created, OwnedBy, model.Path, null, model.MaxContext) };
        foreach (var (name, path) in model.Adapters.Known)
            cards.Add(new ModelCard(name, "model", model.Created, OwnedBy, path, model.Name, model.MaxContext));
        return Results.Json(new ModelList("list", cards), OpenAiJson.Options);
    }
}
