using InferenceServer.Core.Tensors;
using InferenceServer.Models.Config;

namespace InferenceServer.Models.Conversion;

/// <summary>The GGUF metadata (llama.cpp key names) that describes a <see cref="ModelConfig"/>; the inverse of <see cref="GgufConfigReader"/>.</summary>
public static class GgufModelMetadata
{
    /// <summary>llama.cpp's general.file_type value for a file mostly stored as <paramref name="dtype"/>.</summary>
    public static uint FileType(TensorDType dtype) => dtype switch
    {
        TensorDType.F32 => 0,
        TensorDType.F16 => 1,
        TensorDType.Q8_0 => 7,
        TensorDType.BF16 => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    public static IEnumerable<KeyValuePair<string, object>> For(ModelConfig config, string name, TensorDType dtype)
    {
        ArgumentNullException.ThrowIfNull(config);
        string a = ArchitectureNames.ToModelType(config.Architecture);
        yield return new("general.architecture", a);
        yield return new("general.name", name);
        yield return new("general.file_type", FileType(dtype));
        if (dtype == TensorDType.Q8_0) yield return new("general.quantization_version", 2u);
        yield return new($"{a}.vocab_size", (uint)config.VocabSize);
        yield return new($"{a}.context_length", (uint)config.MaxPositionEmbeddings);
        yield return new($"{a}.embedding_length", (uint)config.HiddenSize);
        yield return new($"{a}.block_count", (uint)config.NumLayers);
        yield return new($"{a}.feed_forward_length", (uint)config.IntermediateSize);
        yield return new($"{a}.attention.head_count", (uint)config.NumHeads);
        yield return new($"{a}.attention.head_count_kv", (uint)config.NumKvHeads);
        yield return new($"{a}.attention.key_length", (uint)config.HeadDim);
        yield return new($"{a}.attention.value_length", (uint)config.HeadDim);
        yield return new($"{a}.rope.dimension_count", (uint)config.HeadDim);
        yield return new($"{a}.rope.freq_base", (float)config.RopeTheta);
        yield return new($"{a}.attention.layer_norm_rms_epsilon", (float)config.RmsNormEps);
        if (config.RopeScaling is { } s)
        {
            // llama.cpp itself stores Llama 3 scaling as a rope_freqs tensor; these keys keep all four numbers.
            yield return new($"{a}.rope.scaling.type", "llama3");
            yield return new($"{a}.rope.scaling.factor", (float)s.Factor);
            yield return new($"{a}.rope.scaling.low_freq_factor", (float)s.LowFreqFactor);
            yield return new($"{a}.rope.scaling.high_freq_factor", (float)s.HighFreqFactor);
            yield return new($"{a}.rope.scaling.original_context_length", (uint)s.OriginalMaxPositionEmbeddings);
        }
        if (config.SlidingWindow is int w) yield return new($"{a}.attention.sliding_window", (uint)w);
        if (config.BosTokenId is int bos) yield return new("tokenizer.ggml.bos_token_id", (uint)bos);
        if (config.EosTokenIds.Count > 0) yield return new("tokenizer.ggml.eos_token_id", (uint)config.EosTokenIds[0]);
    }

    /// <summary>
    /// The type a tensor is stored as in a GGUF of <paramref name="requested"/> type: vectors (norms, biases) stay F32
    /// as llama.cpp keeps them, and Q8_0 falls back to F16 for rows that are not whole 32-value blocks.
    /// </summary>
    public static TensorDType TensorType(IReadOnlyList<long> hfShape, TensorDType requested)
    {
        ArgumentNullException.ThrowIfNull(hfShape);
        if (hfShape.Count == 1) return TensorDType.F32;
        if (requested == TensorDType.Q8_0 && hfShape[^1] % 32 != 0) return TensorDType.F16;
        return requested;
    }
}
