using InferenceServer.Server.Hosting;
using InferenceServer.Server.OpenAi.Contracts;
using Microsoft.AspNetCore.Http;

namespace InferenceServer.Server.OpenAi.Endpoints;

/// <summary><c>GET /v1/models</c>: the served model.</summary>
public static class ModelsEndpoint
{
    public static IResult Handle(ServedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var card = new ModelCard(model.Name, "model", model.Created, "inference-server", model.MaxContext);
        return Results.Json(new ModelList("list", [card]), OpenAiJson.Options);
    }
}
