using InferenceServer.ChatTemplates.Jinja.Runtime;

namespace InferenceServer.ChatTemplates.Jinja.Builtins;

/// <summary>All filters by name: Jinja2's builtins (with Hugging Face's <c>tojson</c>), and the few Jinja2 has that we refuse at render time.</summary>
internal static class BuiltinFilters
{
    // Real Jinja2 filters left out: templates naming them still parse, and fail only if the filter runs.
    private static readonly string[] Unsupported =
        ["filesizeformat", "groupby", "random", "striptags", "urlencode", "urlize", "wordwrap", "xmlattr"];

    public static Dictionary<string, FilterFunction> Create()
    {
        var table = new Dictionary<string, FilterFunction>(StringComparer.Ordinal);
        TextFilters.Register(table);
        SequenceFilters.Register(table);
        SelectionFilters.Register(table);
        NumberFilters.Register(table);
        table["tojson"] = JsonFilter.ToJson;
        foreach (string name in Unsupported)
            table[name] = (_, _, _) => throw new TemplateRuntimeException($"the '{name}' filter is not supported by this renderer");
        return table;
    }
}
