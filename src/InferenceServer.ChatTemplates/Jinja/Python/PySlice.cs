using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Python;

/// <summary>Python slicing (<c>x[a:b:c]</c>) of lists, tuples and strings, with its clamping of out-of-range bounds.</summary>
internal static class PySlice
{
    public static object? Apply(object? sequence, SliceValue slice)
    {
        switch (sequence)
        {
            case JinjaList l:
                return new JinjaList(Indices(l.Count, slice).Select(i => l.Items[i]).ToList(), l.IsTuple);
            case string s when !PyText.HasSurrogates(s):
                return string.Concat(Indices(s.Length, slice).Select(i => s[i]));
            case string s:
                var cps = PyText.CodePoints(s);
                return PyText.FromCodePoints(Indices(cps.Count, slice).Select(i => cps[i]));
            case Undefined u:
                throw u.Error();
            case JinjaDict:
                throw new TemplateRuntimeException("unhashable type: 'slice'");
            default:
                throw new TemplateRuntimeException($"'{PyTypes.Name(sequence)}' object is not subscriptable");
        }
    }

    /// <summary>The indices a slice selects from a sequence of <paramref name="length"/> (CPython's PySlice_AdjustIndices).</summary>
    public static IEnumerable<int> Indices(int length, SliceValue slice)
    {
        long step = slice.Step is null ? 1 : PyNumbers.ToIndex(slice.Step, "slice indices");
        if (step == 0) throw new TemplateRuntimeException("slice step cannot be zero");
        long start = slice.Start is null ? (step < 0 ? length - 1 : 0) : Adjust(PyNumbers.ToIndex(slice.Start, "slice indices"));
        long stop = slice.Stop is null ? (step < 0 ? -1 : length) : Adjust(PyNumbers.ToIndex(slice.Stop, "slice indices"));
        var result = new List<int>();
        if (step > 0)
            for (long i = start; i < stop; i += step) result.Add((int)i);
        else
            for (long i = start; i > stop; i += step) result.Add((int)i);
        return result;

        long Adjust(long v)
        {
            if (v < 0)
            {
                v += length;
                if (v < 0) v = step < 0 ? -1 : 0;
            }
            else if (v >= length)
            {
                v = step < 0 ? length - 1 : length;
            }
            return v;
        }
    }
}
