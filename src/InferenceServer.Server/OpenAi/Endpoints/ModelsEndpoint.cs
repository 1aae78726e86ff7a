using InferenceServer.Server.OpenAi.Contracts;
using InferenceServer.Server.Serving;
using InferenceServer.Server.Versions;

namespace InferenceServer.Server.OpenAi.Endpoints;

/// <summary>
/// <c>GET /v1/models</c>: the served model, then its LoRA adapters with the model as parent (as vLLM lists them);
/// with a models folder, each model name once (described by its stable version).
/// </summary>
public static class ModelsEndpoint
{
    private const string OwnedBy = "inference-server";

    public static IResult Handle(ServedModel model, ModelCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(catalog);
        if (catalog.Models.Count > 0)
        {
            var stable = catalog.Models.Values.Select(m => m.Stable.Model);
            return Results.Json(new ModelList("list", stable.Select(s => new ModelCard(s.Name, "model", s.Created, OwnedBy, s.Path, null, s.MaxContext)).ToList()), OpenAiJson.Options);
        }
        var cards = new List<ModelCard> { new(model.Name, "model", model.Created, OwnedBy, model.Path, null, model.MaxContext) };
        foreach (var (name, path) in model.Adapters.Known)
            cards.Add(new ModelCard(name, "model", model.Created, OwnedBy, path, model.Name, model.MaxContext));
        return Results.Json(new ModelList("list", cards), OpenAiJson.Options);
    }
}
