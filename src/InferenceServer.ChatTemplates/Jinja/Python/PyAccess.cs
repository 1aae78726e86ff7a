using InferenceServer.ChatTemplates.Jinja.Methods;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Python;

/// <summary>Jinja2's <c>getattr</c> (<c>x.name</c>: Python attribute first, then item) and <c>getitem</c> (<c>x[key]</c>: item first, then attribute).</summary>
internal static class PyAccess
{
    public static object? GetAttribute(object? obj, string name)
    {
        switch (obj)
        {
            case Undefined u:
                throw u.Error();
            case IHasAttributes h:
                return h.GetAttribute(name);
            case JinjaDict d:
                if (DictMethods.TryBind(d, name, out var dm)) return dm;
                return d.TryGet(name, out var v) ? v : Undefined.Attribute(obj, name);
            case JinjaList l:
                return ListMethods.TryBind(l, name, out var lm) ? lm : Undefined.Attribute(obj, name);
            case string s:
                return StringMethods.TryBind(s, name, out var sm) ? sm : Undefined.Attribute(obj, name);
            default:
                return Undefined.Attribute(obj, name);
        }
    }

    public static object? GetItem(object? obj, object? key)
    {
        if (obj is Undefined u) throw u.Error();
        // Jinja2 compiles a slice to a plain Python subscript, so slicing a non-sequence is an error, not undefined.
        if (key is SliceValue slice) return PySlice.Apply(obj, slice);
        switch (obj)
        {
            case JinjaDict d when key is not (JinjaList { IsTuple: false } or JinjaDict or SliceValue):
                if (d.TryGet(key, out var v)) return v;
                break;
            case JinjaList l when PyNumbers.IsIntegral(key):
                if (TryIndex(l.Count, PyNumbers.ToLong(key), out int i)) return l.Items[i];
                return Undefined.Element(obj, key);
            case string s when PyNumbers.IsIntegral(key):
                var cps = PyText.HasSurrogates(s) ? PyText.CodePoints(s) : null;
                if (TryIndex(cps?.Count ?? s.Length, PyNumbers.ToLong(key), out int j))
                    return cps is null ? s[j].ToString() : PyText.FromCodePoints([cps[j]]);
                return Undefined.Element(obj, key);
        }
        // Jinja2 falls back to the attribute of that name when the item lookup fails.
        return key is string name ? GetAttribute(obj, name) : Undefined.Element(obj, key);
    }

    private static bool TryIndex(int count, long index, out int position)
    {
        if (index < 0) index += count;
        position = (int)index;
        return index >= 0 && index < count;
    }
}
