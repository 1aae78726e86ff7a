using System.Text.Json;
using InferenceServer.TestSupport;

namespace InferenceServer.Server.Tests.Lora;

/// <summary>Adapters listed in the model manifest ("lora_modules") are preloaded with the model when LoRA is on.</summary>
public sealed class LoraManifestTests
{
    [Fact]
    public async Task Manifest_lora_modules_are_preloaded_with_folders_relative_to_the_manifest()
    {
        using var files = new LoraFiles();
        files.Write("tuned");
        string manifest = Path.Combine(files.Root, "m.json");
        File.WriteAllText(manifest, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["name"] = "tiny",
            ["version"] = "1",
            ["path"] = Path.GetFullPath(SharedModels.TinyStories),
            ["lora_modules"] = new Dictionary<string, string> { ["tuned"] = "tuned" },
        }));

        await using (var server = await TestServer.StartAsync(o => (o.Model, o.Engine) = (manifest, o.Engine with { EnableLora = true })))
        {
            Assert.Contains("tuned", server.Model.Engine.Adapters);
            var (response, body) = await Json.PostAsync(server.Http, "/v1/completions", new { model = "tiny:tuned", prompt = "Once", max_tokens = 3 });
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("tiny:tuned", body["model"].Str());
        }
        // Without --enable-lora the same manifest serves the base model alone.
        await using var plain = await TestServer.StartAsync(o => o.Model = manifest);
        Assert.DoesNotContain("\"tuned\"", await plain.Http.GetStringAsync("/v1/models"), StringComparison.Ordinal);
    }
}
