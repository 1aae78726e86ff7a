using InferenceServer.Core.Tensors;
using InferenceServer.Models.Loading;
using InferenceServer.Models.Safetensors;
using InferenceServer.Models.Weights;
using InferenceServer.TestSupport;

namespace InferenceServer.Models.Tests.Safetensors;

public class SafetensorsTests
{
    private static string BundledFile => Path.Combine(SharedModels.TinyStories, "model.safetensors");

    [Fact]
    public void Reads_the_bundled_header_and_alias()
    {
        using var file = SafetensorsFile.Open(BundledFile);

        Assert.Equal(20, file.Tensors.Count); // lm_head, final norm and 9 tensors in each of 2 layers
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal("lm_head.weight", file.Aliases["model.embed_tokens.weight"]);
        Assert.DoesNotContain("format", file.Aliases.Keys);
        Assert.All(file.Tensors, t => Assert.Equal("F32", t.DTypeName));
        Assert.True(file.TryGet("model.layers.0.mlp.down_proj.weight", out var down));
        Assert.Equal([128L, 384L], down.Shape);
        Assert.False(file.TryGet("nope", out _));
    }

    [Theory]
    [InlineData(TensorDType.F16)]
    [InlineData(TensorDType.BF16)]
    public void Half_precision_copies_round_trip_and_load(TensorDType dtype)
    {
        using var dir = new TempDirectory();
        TinyStoriesCopies.CopyConfig(dir.Path);
        TinyStoriesCopies.WriteConverted(dir.File("model.safetensors"), dtype);

        using var original = ModelLoader.Load(SharedModels.TinyStories);
        using var copy = ModelLoader.Load(dir.Path);
        foreach (string name in original.Weights.Names)
        {
            Assert.True(original.Weights.TryGet(name, out var a));
            Assert.True(copy.Weights.TryGet(name, out var b));
            Assert.Equal(dtype, b.DType);
            Assert.Equal(a.Shape, b.Shape);
            float[] x = a.ToFloat32(), y = b.ToFloat32();
            for (int i = 0; i < x.Length; i++)
            {
                if (dtype == TensorDType.F16)
                    Assert.Equal((float)(Half)x[i], y[i]);
                else
                    AssertNearestBf16(x[i], y[i]);
            }
        }
    }

    /// <summary>y must be a bfloat16 value (low 16 bits zero) within half a bfloat16 step of x.</summary>
    private static void AssertNearestBf16(float x, float y)
    {
        Assert.Equal(0u, BitConverter.SingleToUInt32Bits(y) & 0xFFFF);
        if (x == 0) { Assert.Equal(0f, y); return; }
        int exponent = (int)((BitConverter.SingleToUInt32Bits(x) >> 23) & 0xFF) - 127;
        float step = MathF.Pow(2, exponent - 7);
        Assert.True(MathF.Abs(x - y) <= step / 2, $"{y} is not the nearest bfloat16 of {x}");
    }

    [Fact]
    public void Sharded_index_loads_the_same_tensors()
    {
        using var dir = new TempDirectory();
        TinyStoriesCopies.CopyConfig(dir.Path);
        using (var source = SafetensorsFile.Open(BundledFile))
        {
            var names = source.Tensors.Select(t => t.Name).ToList();
            var first = names.Take(names.Count / 2).ToHashSet();
            TinyStoriesCopies.WriteConverted(dir.File("model-00001-of-00002.safetensors"), TensorDType.F32, first.Contains, keepAlias: true);
            TinyStoriesCopies.WriteConverted(dir.File("model-00002-of-00002.safetensors"), TensorDType.F32, n => !first.Contains(n), keepAlias: false);
            var map = names.ToDictionary(n => n, n => first.Contains(n) ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
            File.WriteAllText(dir.File("model.safetensors.index.json"),
                System.Text.Json.JsonSerializer.Serialize(new { metadata = new { total_size = 2626048 }, weight_map = map }));
            Assert.Contains("lm_head.weight", first);
        }

        using var original = ModelLoader.Load(SharedModels.TinyStories);
        using var sharded = ModelLoader.Load(dir.Path);
        var shardedSource = Assert.IsType<ShardedSafetensors>(sharded.Weights);
        Assert.Equal(2, shardedSource.Shards.Count);
        Assert.Equal(original.Weights.Names.Order(), sharded.Weights.Names.Order());
        foreach (string name in original.Weights.Names)
        {
            Assert.True(original.Weights.TryGet(name, out var a));
            Assert.True(sharded.Weights.TryGet(name, out var b));
            Assert.Equal(a.Shape, b.Shape);
            Assert.True(a.Bytes.SequenceEqual(b.Bytes), name);
        }
    }

    [Fact]
    public unsafe void File_storing_only_lm_head_without_alias_still_exposes_the_embedding()
    {
        using var dir = new TempDirectory();
        TinyStoriesCopies.CopyConfig(dir.Path);
        TinyStoriesCopies.WriteConverted(dir.File("model.safetensors"), TensorDType.F32, keepAlias: false);
        using (var raw = SafetensorsFile.Open(dir.File("model.safetensors")))
            Assert.False(raw.TryGet("model.embed_tokens.weight", out _));

        using var model = ModelLoader.Load(dir.Path);
        Assert.True(model.Weights.TryGet("model.embed_tokens.weight", out var embed));
        Assert.True(model.Weights.TryGet("lm_head.weight", out var head));
        Assert.Equal("model.embed_tokens.weight", embed.Name);
        Assert.True(embed.Data == head.Data);
        Assert.Contains("model.embed_tokens.weight", model.Weights.Names);
    }

    [Fact]
    public void Writer_output_is_read_back_exactly()
    {
        using var dir = new TempDirectory();
        var w = new SafetensorsWriter();
        float[] data = [1.5f, -2, 3, float.MaxValue, float.Epsilon, -0f];
        w.Add("a.weight", TensorDType.F32, [2, 3], System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
        w.Add("b", TensorDType.BF16, [1], s => s.Write([0x80, 0x3F]));
        w.AddMetadata("format", "pt");
        w.Write(dir.File("x.safetensors"));

        var raw = File.ReadAllBytes(dir.File("x.safetensors"));
        Assert.Equal(0, (raw.Length - 24 - 2) % 8); // header padded so data starts 8-byte aligned
        using var f = SafetensorsFile.Open(dir.File("x.safetensors"));
        Assert.True(f.TryGet("a.weight", out var a));
        Assert.Equal(data, a.ToFloat32());
        Assert.True(f.TryGet("b", out var b));
        Assert.Equal([1f], b.ToFloat32());
        Assert.Equal("pt", f.Metadata["format"]);
    }

    [Fact]
    public void Failed_write_leaves_no_file()
    {
        using var dir = new TempDirectory();
        var w = new SafetensorsWriter();
        w.Add("short", TensorDType.F32, [4], s => s.Write(new byte[8]));
        var e = Assert.Throws<InvalidOperationException>(() => w.Write(dir.File("x.safetensors")));
        Assert.Contains("tensor 'short': wrote 8 bytes, expected 16", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }
}
