namespace InferenceServer.Models.Config;

/// <summary>Llama 3 style frequency scaling of rotary embeddings ("rope_type": "llama3").</summary>
public sealed record RopeScaling(
    double Factor,
    double LowFreqFactor,
    double HighFreqFactor,
    int OriginalMaxPositionEmbeddings);
