using System.Text;
using InferenceServer.Core.Errors;
using InferenceServer.Core.Tensors;
using InferenceServer.Models.Gguf;
using InferenceServer.Models.Loading;
using InferenceServer.TestSupport;

namespace InferenceServer.Models.Tests.Gguf;

public class GgufBadFileTests
{
    private static ModelLoadException Fails(string path)
    {
        var e = Assert.Throws<ModelLoadException>(() => GgufFile.Open(path).Dispose());
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path + ": ", e.Message);
        return e;
    }

    [Fact]
    public void Wrong_magic()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.gguf");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("GGML and then some bytes"));
        Assert.Contains("not a GGUF file: magic is \"GGML\"", Fails(path).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_version()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.gguf");
        File.WriteAllBytes(path, [.. "GGUF"u8, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        Assert.Contains("GGUF v1 is not supported", Fails(path).Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(30_000)]   // inside the metadata (the token list)
    [InlineData(50_000)]   // inside the tensor table
    [InlineData(700_000)]  // inside the tensor data
    public void Truncated_file(int keepBytes)
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.gguf");
        File.WriteAllBytes(path, File.ReadAllBytes(SharedModels.TinyStoriesQ8Gguf)[..keepBytes]);
        Assert.Contains("truncated", Fails(path).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Absurd_array_length_is_not_allocated()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.gguf");
        using (var f = new BinaryWriter(File.Create(path)))
        {
            f.Write("GGUF"u8); f.Write(3u); f.Write(0UL); f.Write(1UL);
            f.Write(3UL); f.Write("key"u8); f.Write((uint)GgufValueType.Array); f.Write((uint)GgufValueType.Float32); f.Write(ulong.MaxValue / 8);
        }
        Assert.Contains("length of array 'key' is 2305843009213693951", Fails(path).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_tensor_type_is_named_when_used()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.gguf");
        using (var f = new BinaryWriter(File.Create(path)))
        {
            f.Write("GGUF"u8); f.Write(3u); f.Write(1UL); f.Write(0UL);
            f.Write(11UL); f.Write("blk.0.w.x_y"u8); f.Write(2u); f.Write(256UL); f.Write(4UL); f.Write(12u); f.Write(0UL);
            f.Write(new byte[64]);
        }
        using var gguf = GgufFile.Open(path);
        Assert.Null(gguf.Tensors[0].DType);
        Assert.Equal([4L, 256L], gguf.Tensors[0].Shape);
        var e = Assert.Throws<ModelLoadException>(() => gguf.TryGet("blk.0.w.x_y", out _));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("tensor 'blk.0.w.x_y' has type Q4_K (12), which is not supported", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_architecture()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.gguf");
        var w = new GgufWriter();
        w.AddMetadata("general.architecture", "gpt2");
        w.AddTensor("token_embd.weight", TensorDType.F32, [2, 2], new byte[16]);
        w.Write(path);
        var e = Assert.Throws<ModelLoadException>(() => ModelLoader.Load(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("unsupported architecture 'gpt2'", e.Problem, StringComparison.Ordinal);
    }
}
