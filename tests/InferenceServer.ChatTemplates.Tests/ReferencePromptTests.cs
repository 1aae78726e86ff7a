using InferenceServer.ChatTemplates.Jinja;

namespace InferenceServer.ChatTemplates.Tests;

/// <summary>Every reference case renders byte for byte as Hugging Face's renderer did, or fails with the template's own message.</summary>
public sealed class ReferencePromptTests
{
    public static TheoryData<string, string> Cases => ReferenceCases.All();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Renders_exactly_like_hugging_face(string template, string caseName)
    {
        var chat = new ChatTemplate(File.ReadAllText(ReferenceCases.TemplatePath(template)));
        var input = ReferenceCases.Input(template, caseName);
        string textFile = ReferenceCases.ExpectedPath(template, caseName, "txt");
        if (File.Exists(textFile))
        {
            Assert.Equal(File.ReadAllText(textFile), chat.Render(input));
            return;
        }
        // .error files hold "ERROR: <message>" and a newline, as the reference script printed the exception.
        string error = File.ReadAllText(ReferenceCases.ExpectedPath(template, caseName, "error"));
        Assert.StartsWith("ERROR: ", error, StringComparison.Ordinal);
        var e = Assert.Throws<TemplateRaisedException>(() => chat.Render(input));
        Assert.Equal(error["ERROR: ".Length..].TrimEnd('\n'), e.Message);
    }

    [Fact]
    public void Every_template_has_all_five_cases()
    {
        var cases = Directory.GetFiles(System.IO.Path.Combine(ReferenceCases.Folder, "cases"), "*.json");
        var templates = Directory.GetFiles(ReferenceCases.Folder, "*.jinja");
        Assert.Equal(5, cases.Length);
        Assert.Equal(7, templates.Length);
        Assert.Equal(cases.Length * templates.Length, Cases.Count());
    }
}
