namespace InferenceServer.Models.Weights;

/// <summary>
/// The one place tied embeddings are resolved for every format: when a file stores the shared matrix only as
/// lm_head.weight, it is also exposed as model.embed_tokens.weight. (When lm_head.weight is absent the engine
/// uses the embedding matrix, so nothing is added for that case.)
/// </summary>
public sealed class TiedEmbeddings : IWeightSource
{
    public const string EmbeddingName = "model.embed_tokens.weight";
    public const string LmHeadName = "lm_head.weight";

    private readonly IWeightSource _inner;

    private TiedEmbeddings(IWeightSource inner) => _inner = inner;

    /// <summary>The source itself when it already has an embedding matrix (or no lm_head), else a wrapper adding the alias.</summary>
    public static IWeightSource Wrap(IWeightSource inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        var names = inner.Names.ToHashSet(StringComparer.Ordinal);
        return !names.Contains(EmbeddingName) && names.Contains(LmHeadName) ? new TiedEmbeddings(inner) : inner;
    }

    public string SourcePath => _inner.SourcePath;

    public IEnumerable<string> Names => _inner.Names.Append(EmbeddingName);

    public bool TryGet(string name, out WeightTensor tensor)
    {
        if (name != EmbeddingName) return _inner.TryGet(name, out tensor);
        if (!_inner.TryGet(LmHeadName, out var head))
        {
            tensor = null!;
            return false;
        }
        unsafe
        {
            tensor = new WeightTensor(EmbeddingName, head.DType, [.. head.Shape], head.Data, head.ByteLength);
        }
        return true;
    }

    public void Dispose() => _inner.Dispose();
}
