using InferenceServer.ChatTemplates.Jinja.Methods;
using InferenceServer.ChatTemplates.Jinja.Python;
using InferenceServer.ChatTemplates.Jinja.Runtime;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Builtins;

/// <summary>Sequence filters: length, first, last, list, join, reverse, sort, dictsort, unique, min, max, sum, items, batch, slice, default, attr.</summary>
internal static class SequenceFilters
{
    public static void Register(Dictionary<string, FilterFunction> t)
    {
        t["length"] = t["count"] = (_, v, _) => PyIter.Length(v);
        t["first"] = (_, v, _) => PyIter.ToList(v) is [var head, ..] ? head : Undefined.WithHint("No first item, sequence was empty.");
        t["last"] = (_, v, _) => PyIter.ToList(v) is [.., var tail] ? tail : Undefined.WithHint("No last item, sequence was empty.");
        t["list"] = (_, v, _) => new JinjaList(PyIter.ToList(v));
        t["join"] = Join;
        t["reverse"] = (_, v, _) => v is string s ? PyText.FromCodePoints(Enumerable.Reverse(PyText.CodePoints(s))) : new JinjaList(Enumerable.Reverse(PyIter.ToList(v)).ToList());
        t["sort"] = Sort;
        t["dictsort"] = DictSort;
        t["unique"] = Unique;
        t["min"] = (_, v, a) => Extreme(v, a, wantMax: false);
        t["max"] = (_, v, a) => Extreme(v, a, wantMax: true);
        t["sum"] = Sum;
        t["items"] = (_, v, _) => v switch
        {
            JinjaDict d => new JinjaList(d.Pairs.Select(p => (object?)JinjaList.Tuple(p.Key, p.Value)).ToList()),
            Undefined => new JinjaList(),
            _ => throw new TemplateRuntimeException("Can only get item pairs from a mapping."),
        };
        t["batch"] = Batch;
        t["slice"] = Slice;
        t["default"] = t["d"] = (_, v, a) =>
            v is Undefined || (PyTruth.IsTrue(a.Get(1, "boolean", false)) && !PyTruth.IsTrue(v)) ? a.Get(0, "default_value", "") : v;
        // attr() is getattr only: unlike obj.name it never falls back to a dict key.
        t["attr"] = (_, v, a) =>
        {
            string name = PyRepr.Str(a.Get(0, "name"));
            if (v is JinjaDict d) return DictMethods.TryBind(d, name, out var m) ? m : Undefined.Attribute(v, name);
            return PyAccess.GetAttribute(v, name);
        };
    }

    private static object? Join(JinjaEnvironment env, object? v, CallArguments a)
    {
        var items = PyIter.ToList(v);
        if (a.TryGet(1, "attribute", out var attribute) && attribute is not null)
            items = items.Select(AttributeGetter.Create(attribute)).ToList();
        return string.Join(PyRepr.Str(a.Get(0, "d", "")), items.Select(PyRepr.Str));
    }

    private static IComparer<object?> Order(bool reverse)
    {
        var comparer = Comparer<object?>.Create((x, y) => PyOrdering.Compare(x, y));
        return reverse ? Comparer<object?>.Create((x, y) => comparer.Compare(y, x)) : comparer;
    }

    // OrderBy is stable, and reversing the comparison (not the result) keeps equal items in order, as Python's sorted(reverse=True).
    private static object? Sort(JinjaEnvironment env, object? v, CallArguments a)
    {
        bool reverse = PyTruth.IsTrue(a.Get(0, "reverse", false));
        bool caseSensitive = PyTruth.IsTrue(a.Get(1, "case_sensitive", false));
        var key = AttributeGetter.CreateMulti(a.Get(2, "attribute"), ignoreCase: !caseSensitive);
        return new JinjaList(PyIter.ToList(v).OrderBy(key, Order(reverse)).ToList());
    }

    private static object? DictSort(JinjaEnvironment env, object? v, CallArguments a)
    {
        bool caseSensitive = PyTruth.IsTrue(a.Get(0, "case_sensitive", false));
        string by = PyRepr.Str(a.Get(1, "by", "key"));
        bool reverse = PyTruth.IsTrue(a.Get(2, "reverse", false));
        int position = by switch
        {
            "key" => 0,
            "value" => 1,
            _ => throw new TemplateRuntimeException("You can only sort by either \"key\" or \"value\""),
        };
        if (v is not JinjaDict d) throw new TemplateRuntimeException($"'{PyTypes.Name(v)}' object has no attribute 'items'");
        var pairs = d.Pairs.Select(p => (object?)JinjaList.Tuple(p.Key, p.Value));
        object? Key(object? pair)
        {
            var x = ((JinjaList)pair!).Items[position];
            return !caseSensitive && x is string s ? s.ToLowerInvariant() : x;
        }
        return new JinjaList(pairs.OrderBy(Key, Order(reverse)).ToList());
    }

    private static object? Unique(JinjaEnvironment env, object? v, CallArguments a)
    {
        bool caseSensitive = PyTruth.IsTrue(a.Get(0, "case_sensitive", false));
        var key = AttributeGetter.Create(a.Get(1, "attribute"), ignoreCase: !caseSensitive);
        var seen = new List<object?>();
        var result = new List<object?>();
        foreach (var item in PyIter.ToList(v))
        {
            var k = key(item);
            if (seen.Any(s => PyEquality.Equal(s, k))) continue;
            seen.Add(k);
            result.Add(item);
        }
        return new JinjaList(result);
    }

    private static object? Extreme(object? v, CallArguments a, bool wantMax)
    {
        bool caseSensitive = PyTruth.IsTrue(a.Get(0, "case_sensitive", false));
        var key = AttributeGetter.Create(a.Get(1, "attribute"), ignoreCase: !caseSensitive);
        var items = PyIter.ToList(v);
        if (items.Count == 0) return Undefined.WithHint("No aggregated item, sequence was empty.");
        var best = items[0];
        foreach (var item in items.Skip(1))
        {
            int c = PyOrdering.Compare(key(item), key(best));
            if (wantMax ? c > 0 : c < 0) best = item;
        }
        return best;
    }

    private static object? Sum(JinjaEnvironment env, object? v, CallArguments a)
    {
        var items = PyIter.ToList(v);
        if (a.TryGet(0, "attribute", out var attribute) && attribute is not null)
            items = items.Select(AttributeGetter.Create(attribute)).ToList();
        object? total = a.Get(1, "start", 0L);
        foreach (var item in items) total = PyArithmetic.Add(total, item);
        return total;
    }

    private static object? Batch(JinjaEnvironment env, object? v, CallArguments a)
    {
        long size = PyNumbers.ToIndex(a.Get(0, "linecount"), "linecount");
        if (size <= 0) throw new TemplateRuntimeException("batch size must be positive");
        bool fill = a.TryGet(1, "fill_with", out var fillWith) && fillWith is not null;
        var batches = new List<object?>();
        var current = new List<object?>();
        foreach (var item in PyIter.ToList(v))
        {
            if (current.Count == size)
            {
                batches.Add(new JinjaList(current));
                current = [];
            }
            current.Add(item);
        }
        if (current.Count > 0)
        {
            while (fill && current.Count < size) current.Add(fillWith);
            batches.Add(new JinjaList(current));
        }
        return new JinjaList(batches);
    }

    private static object? Slice(JinjaEnvironment env, object? v, CallArguments a)
    {
        var seq = PyIter.ToList(v);
        long slices = PyNumbers.ToIndex(a.Get(0, "slices"), "slices");
        if (slices <= 0) throw new TemplateRuntimeException("slices must be positive");
        bool fill = a.TryGet(1, "fill_with", out var fillWith) && fillWith is not null;
        long perSlice = seq.Count / slices, withExtra = seq.Count % slices, offset = 0;
        var result = new List<object?>();
        for (long n = 0; n < slices; n++)
        {
            long start = offset + n * perSlice;
            if (n < withExtra) offset++;
            long end = offset + (n + 1) * perSlice;
            var part = seq.Skip((int)start).Take((int)(end - start)).ToList();
            if (fill && n >= withExtra) part.Add(fillWith);
            result.Add(new JinjaList(part));
        }
        return new JinjaList(result);
    }
}
