using InferenceServer.ChatTemplates.Jinja.Builtins;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Runtime;

/// <summary>The filters, tests and global functions a template sees, with Hugging Face's additions (tojson without escaping, raise_exception, strftime_now).</summary>
internal sealed class JinjaEnvironment
{
    private static readonly Dictionary<string, FilterFunction> FilterTable = BuiltinFilters.Create();
    private static readonly Dictionary<string, TestFunction> TestTable = BuiltinTests.Create();

    public JinjaEnvironment(TemplateOptions options) => Options = options;

    public TemplateOptions Options { get; }

    public static IReadOnlySet<string> FilterNames { get; } = FilterTable.Keys.ToHashSet(StringComparer.Ordinal);

    public static IReadOnlySet<string> TestNames { get; } = TestTable.Keys.ToHashSet(StringComparer.Ordinal);

    public object? CallFilter(string name, object? value, CallArguments args) =>
        FilterTable.TryGetValue(name, out var f) ? f(this, value, args) : throw new TemplateRuntimeException($"No filter named '{name}' found.");

    public bool CallTest(string name, object? value, CallArguments args) =>
        TestTable.TryGetValue(name, out var t) ? t(this, value, args) : throw new TemplateRuntimeException($"No test named '{name}' found.");

    /// <summary>A fresh outermost scope holding the global functions.</summary>
    public Scope CreateGlobals()
    {
        var globals = new Scope(null);
        foreach (var (name, function) in BuiltinGlobals.Create(Options.Clock)) globals.Set(name, function);
        return globals;
    }
}
