using InferenceServer.ChatTemplates.Jinja.Json;
using InferenceServer.ChatTemplates.Jinja.Lexing;
using InferenceServer.ChatTemplates.Jinja.Parsing;
using InferenceServer.ChatTemplates.Jinja.Runtime;
using InferenceServer.ChatTemplates.Jinja.Syntax;

namespace InferenceServer.ChatTemplates.Jinja;

/// <summary>A parsed Jinja template, rendered with Jinja2's semantics (as Hugging Face configures it by default).</summary>
public sealed class JinjaTemplate
{
    private readonly IReadOnlyList<Stmt> _body;
    private readonly TemplateOptions _options;

    private JinjaTemplate(string source, IReadOnlyList<Stmt> body, TemplateOptions options)
    {
        Source = source;
        _body = body;
        _options = options;
    }

    /// <summary>The template text as given.</summary>
    public string Source { get; }

    /// <summary>Parses <paramref name="source"/>; throws <see cref="TemplateSyntaxException"/> with the line of the first problem.</summary>
    public static JinjaTemplate Parse(string source, TemplateOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        options ??= TemplateOptions.HuggingFace;
        var tokens = Lexer.Tokenize(source, options);
        var body = Parser.Parse(tokens, JinjaEnvironment.FilterNames, JinjaEnvironment.TestNames);
        return new JinjaTemplate(source, body, options);
    }

    /// <summary>
    /// Renders with <paramref name="variables"/> in scope. Values may be JsonElement/JsonNode, strings, numbers, bools,
    /// null, lists and string-keyed dictionaries. Throws <see cref="TemplateRaisedException"/> for raise_exception and
    /// <see cref="TemplateRuntimeException"/> for other errors.
    /// </summary>
    public string Render(IReadOnlyDictionary<string, object?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var env = new JinjaEnvironment(_options);
        var root = new Scope(env.CreateGlobals());
        foreach (var (name, value) in variables) root.Set(name, JsonValues.FromDotNet(value));
        return new Renderer(env).Render(_body, root);
    }
}
