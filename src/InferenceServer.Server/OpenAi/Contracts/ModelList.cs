namespace InferenceServer.Server.OpenAi.Contracts;

/// <summary>The <c>GET /v1/models</c> answer.</summary>
public sealed record ModelList(string Object, IReadOnlyList<ModelCard> Data);

/// <summary>A model object; max_model_len is vLLM's extra.</summary>
public sealed record ModelCard(string Id, string Object, long Created, string OwnedBy, int MaxModelLen);
