using InferenceServer.Core.Errors;
using InferenceServer.Core.Tensors;
using InferenceServer.Models.Config;
using InferenceServer.Models.Gguf;
using InferenceServer.TestSupport;

namespace InferenceServer.Models.Tests.Config;

public class GgufConfigReaderTests
{
    [Fact]
    public void Reads_the_bundled_gguf_metadata()
    {
        using var gguf = GgufFile.Open(SharedModels.TinyStoriesQ8Gguf);
        var c = GgufConfigReader.Read(gguf);
        Assert.Equal(ModelArchitecture.Llama, c.Architecture);
        Assert.Equal((128, 384, 2, 8, 4, 16, 2048, 512), (c.HiddenSize, c.IntermediateSize, c.NumLayers, c.NumHeads, c.NumKvHeads, c.HeadDim, c.VocabSize, c.MaxPositionEmbeddings));
        Assert.True(c.TieWordEmbeddings); // no output.weight
        Assert.Equal(1, c.BosTokenId);
        Assert.Equal([2], c.EosTokenIds);
    }

    private static ModelConfig ReadWritten(Action<GgufWriter> addMetadata, string arch, params string[] tensors)
    {
        using var dir = new TempDirectory();
        var w = new GgufWriter();
        w.AddMetadata("general.architecture", arch);
        foreach (var (k, v) in new (string, object)[]
        {
            ("block_count", 2u), ("embedding_length", 64u), ("feed_forward_length", 128u), ("attention.head_count", 4u),
            ("attention.head_count_kv", 2u), ("context_length", 1024u),
        }) w.AddMetadata($"{arch}.{k}", v);
        addMetadata(w);
        foreach (string t in tensors) w.AddTensor(t, TensorDType.F32, [4], new byte[16]);
        w.Write(dir.File("m.gguf"));
        using var gguf = GgufFile.Open(dir.File("m.gguf"));
        return GgufConfigReader.Read(gguf);
    }

    [Fact]
    public void Qwen3_key_length_sliding_window_llama3_scaling_and_vocab_from_tokens()
    {
        var qwen3 = ReadWritten(w =>
        {
            w.AddMetadata("qwen3.attention.key_length", 32u);
            w.AddMetadata("qwen3.rope.freq_base", 1e6f);
            w.AddMetadata("tokenizer.ggml.tokens", new[] { "a", "b", "c" });
            w.AddMetadata("tokenizer.ggml.eos_token_id", 2u);
            w.AddMetadata("tokenizer.ggml.eot_token_id", 1u);
        }, "qwen3", "output.weight");
        Assert.Equal(ModelArchitecture.Qwen3, qwen3.Architecture);
        Assert.Equal(32, qwen3.HeadDim);
        Assert.True(qwen3.QkNorm);
        Assert.False(qwen3.TieWordEmbeddings);
        Assert.Equal(3, qwen3.VocabSize);
        Assert.Equal(1e6, qwen3.RopeTheta);
        Assert.Equal([2, 1], qwen3.EosTokenIds);

        var mistral = ReadWritten(w => { w.AddMetadata("mistral.attention.sliding_window", 4096u); w.AddMetadata("mistral.vocab_size", 10u); }, "mistral");
        Assert.Equal(4096, mistral.SlidingWindow);
        Assert.Equal(16, mistral.HeadDim);

        var llama = ReadWritten(w =>
        {
            w.AddMetadata("llama.vocab_size", 10);
            w.AddMetadata("llama.rope.scaling.type", "llama3");
            w.AddMetadata("llama.rope.scaling.factor", 32f);
            w.AddMetadata("llama.rope.scaling.original_context_length", 8192u);
        }, "llama");
        Assert.Equal(new RopeScaling(32, 1, 4, 8192), llama.RopeScaling);

        var qwen2 = ReadWritten(w => w.AddMetadata("qwen2.vocab_size", 10UL), "qwen2");
        Assert.True(qwen2.AttentionBias);
        Assert.Equal(10, qwen2.VocabSize);
    }

    [Fact]
    public void Missing_required_key_is_named()
    {
        using var dir = new TempDirectory();
        var w = new GgufWriter();
        w.AddMetadata("general.architecture", "llama");
        w.AddMetadata("llama.embedding_length", 64u);
        w.AddMetadata("llama.attention.head_count", 4u);
        w.Write(dir.File("m.gguf"));
        using var gguf = GgufFile.Open(dir.File("m.gguf"));
        var e = Assert.Throws<ModelLoadException>(() => GgufConfigReader.Read(gguf));
        Assert.Equal(dir.File("m.gguf"), e.FilePath);
        Assert.Contains("'llama.feed_forward_length' is missing", e.Problem, StringComparison.Ordinal);
    }
}
