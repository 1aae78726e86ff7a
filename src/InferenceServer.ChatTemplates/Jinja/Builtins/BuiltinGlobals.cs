using InferenceServer.ChatTemplates.Jinja.Python;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Builtins;

/// <summary>Global functions: Jinja2's range, dict, namespace, joiner, cycler, and Hugging Face's raise_exception and strftime_now.</summary>
internal static class BuiltinGlobals
{
    // Jinja2's sandbox refuses ranges longer than this.
    private const long MaxRange = 100_000;

    public static IEnumerable<(string Name, IJinjaCallable Function)> Create(TimeProvider clock)
    {
        yield return ("range", new BuiltinFunction("range", Range));
        yield return ("dict", new BuiltinFunction("dict", Dict));
        yield return ("namespace", new BuiltinFunction("namespace", Namespace));
        yield return ("joiner", new BuiltinFunction("joiner", a => Joiner(PyRepr.Str(a.Get(0, "sep", ", ")))));
        yield return ("cycler", new BuiltinFunction("cycler", a => new Cycler([.. a.Positional])));
        yield return ("raise_exception", new BuiltinFunction("raise_exception", a => throw new TemplateRaisedException(PyRepr.Str(a.Get(0, "message")))));
        yield return ("strftime_now", new BuiltinFunction("strftime_now", a => Strftime.Format(clock.GetLocalNow().DateTime, PyRepr.Str(a.Get(0, "format")))));
    }

    private static object? Range(CallArguments a)
    {
        var n = a.Positional.Select(x => PyNumbers.ToIndex(x, "range() arguments")).ToList();
        (long start, long stop, long step) = n.Count switch
        {
            1 => (0L, n[0], 1L),
            2 => (n[0], n[1], 1L),
            3 => (n[0], n[1], n[2]),
            _ => throw new TemplateRuntimeException($"range expected 1 to 3 arguments, got {n.Count}"),
        };
        if (step == 0) throw new TemplateRuntimeException("range() arg 3 must not be zero");
        var items = new List<object?>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step)
        {
            if (items.Count >= MaxRange)
                throw new TemplateRuntimeException($"Range too big. The sandbox blocks ranges larger than MAX_RANGE ({MaxRange}).");
            items.Add(i);
        }
        return new JinjaList(items);
    }

    /// <summary>Python's <c>dict(mapping_or_pairs, **kwargs)</c>.</summary>
    private static JinjaDict Dict(CallArguments a)
    {
        var d = new JinjaDict();
        if (a.Positional.Count > 1) throw new TemplateRuntimeException($"dict expected at most 1 argument, got {a.Positional.Count}");
        if (a.Positional.Count == 1)
        {
            if (a.Positional[0] is JinjaDict source)
            {
                foreach (var p in source.Pairs) d.Set(p.Key, p.Value);
            }
            else
            {
                foreach (var pair in PyIter.ToList(a.Positional[0]))
                {
                    var kv = PyIter.ToList(pair);
                    if (kv.Count != 2) throw new TemplateRuntimeException("dictionary update sequence element has wrong length; 2 is required");
                    d.Set(kv[0], kv[1]);
                }
            }
        }
        foreach (var (key, value) in a.Named) d.Set(key, value);
        return d;
    }

    private static JinjaNamespace Namespace(CallArguments a)
    {
        var ns = new JinjaNamespace();
        foreach (var p in Dict(a).Pairs)
            ns.Attributes[p.Key as string ?? throw new TemplateRuntimeException("namespace keys must be strings")] = p.Value;
        return ns;
    }

    private static BuiltinFunction Joiner(string separator)
    {
        bool used = false;
        return new BuiltinFunction("joiner", _ =>
        {
            if (used) return separator;
            used = true;
            return "";
        });
    }
}
