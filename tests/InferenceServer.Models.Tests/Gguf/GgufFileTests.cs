using InferenceServer.Core.Tensors;
using InferenceServer.Models.Gguf;
using InferenceServer.TestSupport;

namespace InferenceServer.Models.Tests.Gguf;

public class GgufFileTests
{
    [Fact]
    public void Reads_metadata_of_the_bundled_q8_0_file()
    {
        using var gguf = GgufFile.Open(SharedModels.TinyStoriesQ8Gguf);

        Assert.Equal(3, gguf.Version);
        Assert.Equal(32, gguf.Alignment);
        Assert.Equal("llama", gguf.GetString("general.architecture"));
        Assert.IsType<uint>(gguf.Metadata["llama.block_count"]);
        Assert.True(gguf.TryGetInt("llama.block_count", out int blocks));
        Assert.Equal(2, blocks);
        Assert.Equal(128, gguf.GetInt("llama.embedding_length"));
        Assert.Equal(10000.0, gguf.GetDouble("llama.rope.freq_base"));
        Assert.True(gguf.TryGetBool("tokenizer.ggml.add_bos_token", out bool addBos) && addBos);

        string[] tokens = gguf.GetArray<string>("tokenizer.ggml.tokens");
        Assert.Equal(2048, tokens.Length);
        Assert.Equal(["<unk>", "<|start_story|>", "<|end_story|>"], tokens[..3]);
        Assert.Equal(2048, gguf.GetArray<float>("tokenizer.ggml.scores").Length);
        Assert.IsType<int[]>(gguf.Metadata["tokenizer.ggml.token_type"]);
        Assert.Equal([3, 3, 3, 1], gguf.GetArray<int>("tokenizer.ggml.token_type")[..4]);
        Assert.Equal(["en"], gguf.GetArray<string>("general.languages"));
    }

    [Fact]
    public void Exposes_tensors_with_hugging_face_shape_order()
    {
        using var gguf = GgufFile.Open(SharedModels.TinyStoriesQ8Gguf);

        Assert.Equal(20, gguf.Tensors.Count);
        Assert.True(gguf.TryGet("token_embd.weight", out var embed));
        Assert.Equal(TensorDType.Q8_0, embed.DType);
        Assert.Equal([2048L, 128L], embed.Shape);
        Assert.Equal(2048L * 128 / 32 * 34, embed.ByteLength);
        Assert.True(gguf.TryGet("blk.0.attn_k.weight", out var k));
        Assert.Equal([64L, 128L], k.Shape);
        Assert.True(gguf.TryGet("blk.0.ffn_down.weight", out var down));
        Assert.Equal([128L, 384L], down.Shape);
        Assert.True(gguf.TryGet("output_norm.weight", out var norm));
        Assert.Equal(TensorDType.F32, norm.DType);
        Assert.Equal([128L], norm.Shape);
        Assert.False(gguf.TryGet("output.weight", out _));
    }

    [Fact]
    public void Writer_round_trips_every_metadata_type_and_tensors()
    {
        using var dir = new TempDirectory();
        var w = new GgufWriter();
        var values = new Dictionary<string, object>
        {
            ["s"] = "héllo", ["b"] = true, ["u8"] = (byte)200, ["i8"] = (sbyte)-5, ["u16"] = (ushort)60000,
            ["i16"] = (short)-30000, ["u32"] = 4_000_000_000u, ["i32"] = -7, ["u64"] = ulong.MaxValue,
            ["i64"] = long.MinValue, ["f32"] = 1.5f, ["f64"] = Math.PI,
            ["as"] = new[] { "a", "", "ü" }, ["af"] = new[] { 1f, -2f }, ["ai"] = new[] { 1, -2, 3 },
            ["au"] = new[] { 1u, 2u }, ["ab"] = new byte[] { 1, 2, 255 }, ["asb"] = new sbyte[] { -1, 1 },
            ["abool"] = new[] { true, false }, ["al"] = new[] { long.MaxValue }, ["ad"] = new[] { 0.25 },
            ["nested"] = new object[] { new[] { 1, 2 }, new[] { 3 } },
        };
        foreach (var (k, v) in values) w.AddMetadata(k, v);
        float[] data = [1, 2, 3, 4, 5, 6];
        w.AddTensor("t", TensorDType.F32, [2, 3], System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
        w.AddTensor("v", TensorDType.F16, [3], new byte[6]);
        w.Write(dir.File("x.gguf"));

        using var gguf = GgufFile.Open(dir.File("x.gguf"));
        foreach (var (k, v) in values)
        {
            if (k == "nested")
            {
                var nested = Assert.IsType<object[]>(gguf.Metadata[k]);
                Assert.Equal([1, 2], Assert.IsType<int[]>(nested[0]));
                Assert.Equal([3], Assert.IsType<int[]>(nested[1]));
            }
            else
            {
                Assert.IsType(v.GetType(), gguf.Metadata[k]);
                Assert.Equal(v, gguf.Metadata[k]);
            }
        }
        Assert.True(gguf.TryGet("t", out var t));
        Assert.Equal([2L, 3L], t.Shape);
        Assert.Equal(data, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.Bytes).ToArray());
        var vector = gguf.FindTensor("v")!;
        Assert.Equal([3L], vector.Dimensions);
        Assert.Equal(TensorDType.F16, vector.DType);
        Assert.Equal(0, vector.Offset % 32);
    }

    [Fact]
    public void Accepts_version_2()
    {
        using var dir = new TempDirectory();
        var bytes = File.ReadAllBytes(SharedModels.TinyStoriesQ8Gguf);
        bytes[4] = 2; // v3 only added big-endian files, so a little-endian v2 file has the same layout
        File.WriteAllBytes(dir.File("v2.gguf"), bytes);
        using var gguf = GgufFile.Open(dir.File("v2.gguf"));
        Assert.Equal(2, gguf.Version);
        Assert.Equal(20, gguf.Tensors.Count);
    }

    [Fact]
    public void Honours_general_alignment()
    {
        using var dir = new TempDirectory();
        var w = new GgufWriter();
        w.AddMetadata("general.alignment", 64u);
        w.AddTensor("a", TensorDType.F32, [3], new byte[12]);
        w.AddTensor("b", TensorDType.Q8_0, [2, 32], new byte[68]);
        w.Write(dir.File("x.gguf"));
        using var gguf = GgufFile.Open(dir.File("x.gguf"));
        Assert.Equal(64, gguf.Alignment);
        Assert.All(gguf.Tensors, t => Assert.Equal(0, t.Offset % 64));
        Assert.Equal(64, gguf.Tensors[1].Offset - gguf.Tensors[0].Offset);
    }
}
