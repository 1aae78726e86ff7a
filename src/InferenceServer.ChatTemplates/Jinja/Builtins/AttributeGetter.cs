using System.Globalization;
using InferenceServer.ChatTemplates.Jinja.Python;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Builtins;

/// <summary>Jinja2's <c>make_attrgetter</c>: "a.b.0" walks items/attributes; used by map, sort, selectattr, unique, sum, join.</summary>
internal static class AttributeGetter
{
    public static Func<object?, object?> Create(object? attribute, bool ignoreCase = false, object? fallback = null)
    {
        var parts = Parts(attribute);
        return item =>
        {
            foreach (var part in parts)
            {
                item = PyAccess.GetItem(item, part);
                if (fallback is not null && item is Undefined) item = fallback;
            }
            return ignoreCase && item is string s ? s.ToLowerInvariant() : item;
        };
    }

    /// <summary>Several comma-separated attributes (sort's <c>attribute="a,b"</c>), compared as a tuple.</summary>
    public static Func<object?, object?> CreateMulti(object? attribute, bool ignoreCase)
    {
        if (attribute is not string s) return Create(attribute, ignoreCase);
        var getters = s.Split(',').Select(a => Create(a, ignoreCase)).ToList();
        if (getters.Count == 1) return getters[0];
        return item => new JinjaList(getters.Select(g => g(item)).ToList());
    }

    private static List<object?> Parts(object? attribute) => attribute switch
    {
        null => [],
        string s => s.Split('.').Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int i) ? (object?)(long)i : p).ToList(),
        _ => [attribute],
    };
}
