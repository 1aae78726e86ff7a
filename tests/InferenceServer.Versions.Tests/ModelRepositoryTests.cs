using InferenceServer.Core.Errors;
using InferenceServer.TestSupport;
using InferenceServer.Versions.Repository;

namespace InferenceServer.Versions.Tests;

public sealed class ModelRepositoryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private void Manifest(string model, string version, string? path = null)
    {
        Directory.CreateDirectory(_dir.File(model));
        File.WriteAllText(Path.Combine(_dir.File(model), version + ".json"),
            $$"""{ "name": "{{model}}", "version": "{{version}}", "path": "{{(path ?? SharedModels.TinyStories).Replace("\\", "\\\\", StringComparison.Ordinal)}}" }""");
    }

    [Fact]
    public void The_bundled_repository_has_the_default_model_with_one_stable_version()
    {
        var repo = ModelRepository.Load(Path.Combine(SharedModels.RepositoryRoot, "models"));
        var model = repo.Models["tinystories-656k"];
        Assert.Equal("1", model.Routing.Stable);
        Assert.Null(model.Routing.Canary);
        Assert.Equal(["1"], model.Versions.Keys);
    }

    [Fact]
    public void Versions_and_the_routing_file_are_read_together()
    {
        Manifest("tiny", "1");
        Manifest("tiny", "2", SharedModels.TinyStoriesQ8Gguf);
        File.WriteAllText(_dir.File("tiny/routing.json"), """{ "stable": "1", "canary": "2", "canary_weight": 10 }""");
        var model = ModelRepository.Load(_dir.Path).Models["tiny"];
        Assert.Equal(["1", "2"], model.Versions.Keys.Order());
        Assert.Equal(("1", "2", 10.0), (model.Routing.Stable, model.Routing.Canary, model.Routing.CanaryWeight));
        Assert.EndsWith("routing.json", model.RoutingPath, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_versions_without_a_routing_file_and_misplaced_manifests_are_errors()
    {
        Manifest("tiny", "1");
        Manifest("tiny", "2");
        Assert.Contains("no routing.json saying which is stable", Assert.Throws<ModelLoadException>(() => ModelRepository.Load(_dir.Path)).Message, StringComparison.Ordinal);
        File.WriteAllText(_dir.File("tiny/routing.json"), """{ "stable": "1" }""");
        File.Move(_dir.File("tiny/2.json"), _dir.File("tiny/3.json"));
        Assert.Contains("version '2' but the file is named 3.json", Assert.Throws<ModelLoadException>(() => ModelRepository.Load(_dir.Path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_version_is_read_by_its_label_with_the_same_checks_and_no_path_escapes()
    {
        Manifest("tiny", "1");
        Manifest("tiny", "2", SharedModels.TinyStoriesQ8Gguf);
        Assert.Equal("2", ModelRepository.ReadVersion(_dir.Path, "tiny", "2").Version);
        File.Copy(_dir.File("tiny/2.json"), _dir.File("tiny/4.json"));
        Assert.Contains("version '2' but the file is named 4.json", Assert.Throws<ModelLoadException>(() => ModelRepository.ReadVersion(_dir.Path, "tiny", "4")).Message, StringComparison.Ordinal);
        Assert.Contains("not a version label", Assert.Throws<ArgumentException>(() => ModelRepository.ReadVersion(_dir.Path, "tiny", "../tiny/1")).Message, StringComparison.Ordinal);
        Assert.Contains("not a model name", Assert.Throws<ArgumentException>(() => ModelRepository.ReadVersion(_dir.Path, "..", "1")).Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
