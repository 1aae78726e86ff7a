namespace InferenceServer.Server.OpenAi.Contracts;

/// <summary>The <c>GET /v1/models</c> answer.</summary>
public sealed record ModelList(string Object, IReadOnlyList<ModelCard> Data);

/// <summary>A model object; root (the files), parent (a LoRA adapter's base model) and max_model_len are vLLM's extras.</summary>
public sealed record ModelCard(string Id, string Object, long Created, string OwnedBy, string? Root, string? Parent, int MaxModelLen);
