using System.Text;
using InferenceServer.Core.Errors;
using InferenceServer.Models.Loading;
using InferenceServer.Models.Safetensors;
using InferenceServer.TestSupport;

namespace InferenceServer.Models.Tests.Safetensors;

public class SafetensorsBadFileTests
{
    private static string Write(TempDirectory dir, string header, int dataBytes, ulong? declaredLength = null)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        string path = dir.File("model.safetensors");
        using var f = File.Create(path);
        f.Write(BitConverter.GetBytes(declaredLength ?? (ulong)json.Length));
        f.Write(json);
        f.Write(new byte[dataBytes]);
        return path;
    }

    private static ModelLoadException Fails(string path)
    {
        var e = Assert.Throws<ModelLoadException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path + ": ", e.Message);
        return e;
    }

    [Fact]
    public void Truncated_data_is_reported_as_out_of_range_offsets()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        var bytes = File.ReadAllBytes(Path.Combine(SharedModels.TinyStories, "model.safetensors"));
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);

        var e = Fails(path);
        Assert.Contains("model.norm.weight", e.Message, StringComparison.Ordinal); // stored last, so cut off
        Assert.Contains("outside the data section", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void File_shorter_than_the_length_field()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Contains("truncated", Fails(path).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_file()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        File.WriteAllBytes(path, []);
        Assert.Contains("empty", Fails(path).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_length_larger_than_the_file()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, "{}", 0, declaredLength: 1_000_000);
        string problem = Fails(path).Problem;
        Assert.Contains("invalid safetensors header: its length field does not fit the file", problem, StringComparison.Ordinal);
        // The length field is the file's first 8 bytes: an error must not quote them (the file may not be ours to show).
        Assert.DoesNotContain("1000000", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_that_is_not_json()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, "{\"a\": [1, 2", 16);
        Assert.Contains("not valid JSON", Fails(path).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Offsets_beyond_the_data()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, """{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8);
        var e = Fails(path);
        Assert.Contains("tensor 'w'", e.Problem, StringComparison.Ordinal);
        Assert.Contains("data_offsets [0, 16] are outside the data section (8 bytes", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Byte_size_not_matching_the_shape()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, """{"w":{"dtype":"F16","shape":[2,3],"data_offsets":[0,8]}}""", 8);
        Assert.Contains("tensor 'w': data_offsets [0, 8] hold 8 bytes but F16 shape [2, 3] needs 12", Fails(path).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_dtype()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, """{"w":{"dtype":"Q4","shape":[2],"data_offsets":[0,2]}}""", 2);
        Assert.Contains("tensor 'w': unknown dtype 'Q4'", Fails(path).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_but_unsupported_dtype_fails_when_the_tensor_is_used()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, """{"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}""", 16);
        using var f = SafetensorsFile.Open(path);
        var e = Assert.Throws<ModelLoadException>(() => f.TryGet("ids", out _));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("tensor 'ids' has dtype I64, which is not supported", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_shard_named_by_the_index()
    {
        using var dir = new TempDirectory();
        TinyStoriesCopies.CopyConfig(dir.Path);
        File.WriteAllText(dir.File("model.safetensors.index.json"), """{"weight_map":{"lm_head.weight":"model-00001-of-00002.safetensors"}}""");
        var e = Assert.Throws<ModelLoadException>(() => ModelLoader.Load(dir.Path));
        Assert.Equal(dir.File("model.safetensors.index.json"), e.FilePath);
        Assert.Contains("shard 'model-00001-of-00002.safetensors'", e.Problem, StringComparison.Ordinal);
        Assert.Contains("not found", e.Problem, StringComparison.Ordinal);
    }
}
