using InferenceServer.Backends;
using InferenceServer.Core.Errors;
using InferenceServer.Core.Tensors;
using InferenceServer.Models.Loading;
using InferenceServer.Models.Weights;

namespace InferenceServer.Engine.Runner;

/// <summary>All weights of a model loaded into a backend, looked up once by their Hugging Face names.</summary>
public sealed unsafe class ModelWeights
{
    private ModelWeights(IDeviceWeight embedding, IDeviceWeight finalNorm, IDeviceWeight lmHead, IReadOnlyList<LayerWeights> layers, long bytesPerToken)
    {
        Embedding = embedding;
        FinalNorm = finalNorm;
        LmHead = lmHead;
        Layers = layers;
        MatrixBytesPerToken = bytesPerToken;
    }

    public IDeviceWeight Embedding { get; }
    public IDeviceWeight FinalNorm { get; }
    public IDeviceWeight LmHead { get; }
    public IReadOnlyList<LayerWeights> Layers { get; }

    /// <summary>Bytes of weight matrices one decode step reads (all projections and the LM head).</summary>
    public long MatrixBytesPerToken { get; }

    /// <summary>
    /// Loads every tensor of <paramref name="model"/> into <paramref name="backend"/>; matrices are stored as
    /// <paramref name="storage"/> (null keeps each tensor's own dtype).
    /// </summary>
    public static ModelWeights Load(LoadedModel model, IComputeBackend backend, TensorDType? storage)
    {
        var cfg = model.Config;
        long bytes = 0;
        IDeviceWeight Matrix(string name)
        {
            var t = Require(model, name);
            var w = backend.LoadWeight(t, storage ?? t.DType);
            bytes += w.DType.RowBytes(w.Columns) * w.Rows;
            return w;
        }
        IDeviceWeight Vector(string name) => backend.LoadWeight(Require(model, name), TensorDType.F32);
        IDeviceWeight? OptionalVector(string name, bool present) => present ? Vector(name) : null;

        var embedTensor = Require(model, "model.embed_tokens.weight");
        var embedding = backend.LoadWeight(embedTensor, storage ?? embedTensor.DType);
        IDeviceWeight lmHead;
        if (model.Weights.TryGet("lm_head.weight", out var head) && !ReferenceEquals(head, embedTensor) && head.Data != embedTensor.Data)
            lmHead = Matrix("lm_head.weight");
        else
        {
            lmHead = embedding;
            bytes += embedding.DType.RowBytes(embedding.Columns) * embedding.Rows;
        }

        var layers = new List<LayerWeights>(cfg.NumLayers);
        for (int l = 0; l < cfg.NumLayers; l++)
        {
            string p = $"model.layers.{l}.";
            layers.Add(new LayerWeights(
                InputNorm: Vector(p + "input_layernorm.weight"),
                QProj: Matrix(p + "self_attn.q_proj.weight"),
                KProj: Matrix(p + "self_attn.k_proj.weight"),
                VProj: Matrix(p + "self_attn.v_proj.weight"),
                QBias: OptionalVector(p + "self_attn.q_proj.bias", cfg.AttentionBias),
                KBias: OptionalVector(p + "self_attn.k_proj.bias", cfg.AttentionBias),
                VBias: OptionalVector(p + "self_attn.v_proj.bias", cfg.AttentionBias),
                QNorm: OptionalVector(p + "self_attn.q_norm.weight", cfg.QkNorm),
                KNorm: OptionalVector(p + "self_attn.k_norm.weight", cfg.QkNorm),
                OProj: Matrix(p + "self_attn.o_proj.weight"),
                PostAttentionNorm: Vector(p + "post_attention_layernorm.weight"),
                GateProj: Matrix(p + "mlp.gate_proj.weight"),
                UpProj: Matrix(p + "mlp.up_proj.weight"),
                DownProj: Matrix(p + "mlp.down_proj.weight")));
        }
        return new ModelWeights(embedding, Vector("model.norm.weight"), lmHead, layers, bytes);
    }

    private static WeightTensor Require(LoadedModel model, string name)
    {
        if (!model.Weights.TryGet(name, out var t))
            throw new ModelLoadException(model.Path, $"missing tensor '{name}'");
        return t;
    }
}
