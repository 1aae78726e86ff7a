using System.Text.Json;
using InferenceServer.ChatTemplates.Jinja;

namespace InferenceServer.ChatTemplates.Tests.Jinja;

/// <summary>Renders a template string with a small fixed context; the expected outputs in these tests are what Python's Jinja2 3.1 prints with Hugging Face's settings.</summary>
internal static class Jinja
{
    public const string ContextJson = """
        {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}],
         "items": [3, 1, 2], "words": ["b", "A", "c"], "text": "Hello World", "cfg": {"b": 2, "a": 1}, "pi": 3.14159,
         "n": null, "flag": true, "empty": [],
         "users": [{"name": "ann", "age": 31, "admin": true}, {"name": "bob", "age": 25, "admin": false}, {"name": "cy", "age": 40}]}
        """;

    public static string Render(string template, TemplateOptions? options = null)
    {
        using var doc = JsonDocument.Parse(ContextJson);
        var vars = doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
        return JinjaTemplate.Parse(template, options).Render(vars);
    }
}
