using InferenceServer.Core.Errors;
using InferenceServer.Core.Tensors;
using InferenceServer.Models.Loading;
using InferenceServer.Models.Manifests;
using InferenceServer.TestSupport;

namespace InferenceServer.Models.Tests.Manifests;

public class ModelManifestTests
{
    [Fact]
    public void Repository_default_manifest_loads_the_bundled_model()
    {
        string path = Path.Combine(SharedModels.RepositoryRoot, "models", "tinystories-656k", "1.json");
        using var model = ModelLoader.Load(path);

        Assert.Equal("tinystories-656k", model.Name);
        Assert.NotNull(model.Manifest);
        Assert.Equal("1", model.Manifest.Version);
        Assert.Equal(TensorDType.F32, model.Manifest.DType);
        Assert.Equal(512, model.Manifest.MaxContext);
        Assert.Equal(Path.GetFullPath(SharedModels.TinyStories), model.Path);
        Assert.Equal(ModelSourceKind.HuggingFace, model.Kind);
        Assert.Equal(512, model.Config.MaxPositionEmbeddings);
    }

    [Fact]
    public void Max_context_caps_but_never_raises_and_paths_may_be_absolute()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("a.json"), $$"""{"name":"tiny","version":2,"path":{{System.Text.Json.JsonSerializer.Serialize(SharedModels.TinyStoriesQ8Gguf)}},"dtype":"q8_0","max_context":100}""");
        using (var capped = ModelLoader.Load(dir.File("a.json")))
        {
            Assert.Equal(100, capped.Config.MaxPositionEmbeddings);
            Assert.Equal(ModelSourceKind.Gguf, capped.Kind);
            Assert.Equal("2", capped.Manifest!.Version);
            Assert.Equal(TensorDType.Q8_0, capped.Manifest.DType);
            Assert.Equal("tiny", capped.Name);
        }
        File.WriteAllText(dir.File("b.json"), $$"""{"name":"tiny","version":"1","path":{{System.Text.Json.JsonSerializer.Serialize(SharedModels.TinyStories)}},"max_context":100000}""");
        using var uncapped = ModelLoader.Load(dir.File("b.json"));
        Assert.Equal(512, uncapped.Config.MaxPositionEmbeddings);
        Assert.Null(uncapped.Manifest!.DType);
    }

    [Theory]
    [InlineData("""{"version":"1","path":"."}""", "\"name\" is missing")]
    [InlineData("""{"name":"m","path":"."}""", "\"version\" is missing")]
    [InlineData("""{"name":"m","version":"1"}""", "\"path\" is missing")]
    [InlineData("""{"name":"","version":"1","path":"."}""", "\"name\" must be a non-empty string")]
    [InlineData("""{"name":"a/b","version":"1","path":"."}""", "\"name\" 'a/b' may only hold")]
    [InlineData("""{"name":"m","version":"1","path":"does-not-exist"}""", "\"path\" 'does-not-exist' does not exist")]
    [InlineData("""{"name":"m","version":"1","path":".","max_context":0}""", "\"max_context\" must be positive, got 0")]
    [InlineData("""{"name":"m","version":"1","path":".","max_context":-5}""", "\"max_context\" must be positive, got -5")]
    [InlineData("""{"name":"m","version":"1","path":".","max_context":"big"}""", "\"max_context\" must be an integer")]
    [InlineData("""{"name":"m","version":"1","path":".","dtype":"q4_k"}""", "unknown \"dtype\" 'q4_k'")]
    [InlineData("""[1, 2]""", "not a JSON object")]
    [InlineData("""{"name": """, "not valid JSON")]
    public void Invalid_manifests_name_the_file_and_problem(string json, string problem)
    {
        using var dir = new TempDirectory();
        string path = dir.File("1.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<ModelLoadException>(() => ModelManifest.Load(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains(problem, e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Relative_path_resolves_from_the_manifest_folder()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("models/m"));
        Directory.CreateDirectory(dir.File("weights/w"));
        File.WriteAllText(dir.File("models/m/3.json"), """{"name":"m","version":"3","path":"../../weights/w"}""");
        var manifest = ModelManifest.Load(dir.File("models/m/3.json"));
        Assert.Equal(Path.GetFullPath(dir.File("weights/w")), manifest.ModelPath);
    }
}
