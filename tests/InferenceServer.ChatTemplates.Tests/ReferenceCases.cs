using System.Text.Json;
using InferenceServer.TestSupport;

namespace InferenceServer.ChatTemplates.Tests;

/// <summary>The shared chat-template fixtures: 7 real templates × 5 request bodies, each with Hugging Face's prompt (.txt) or error (.error).</summary>
internal static class ReferenceCases
{
    public static string Folder => SharedModels.ChatTemplates;

    /// <summary>Every expected file as (template name, case name).</summary>
    public static TheoryData<string, string> All()
    {
        var data = new TheoryData<string, string>();
        foreach (string file in Directory.GetFiles(Path.Combine(Folder, "expected")).Order(StringComparer.Ordinal))
        {
            string stem = Path.GetFileNameWithoutExtension(file);
            int split = stem.IndexOf("__", StringComparison.Ordinal);
            data.Add(stem[..split], stem[(split + 2)..]);
        }
        return data;
    }

    public static string TemplatePath(string template) => Path.Combine(Folder, template + ".jinja");

    public static string ExpectedPath(string template, string caseName, string extension) =>
        Path.Combine(Folder, "expected", $"{template}__{caseName}.{extension}");

    /// <summary>The request body of a case, with the template's bos/eos tokens from special-tokens.json.</summary>
    public static ChatTemplateInput Input(string template, string caseName)
    {
        using var body = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "cases", caseName + ".json")));
        using var tokens = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "special-tokens.json")));
        var special = tokens.RootElement.GetProperty(template);
        return ChatTemplateInput.FromRequestBody(body.RootElement) with
        {
            BosToken = special.GetProperty("bos_token").GetString(),
            EosToken = special.GetProperty("eos_token").GetString(),
        };
    }
}
