using InferenceServer.ChatTemplates.Jinja.Python;
using InferenceServer.ChatTemplates.Jinja.Runtime;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Builtins;

/// <summary>Jinja2's tests (<c>x is defined</c>, <c>is string</c>, <c>is divisibleby 3</c>, ...), with Python's type rules (bool is a number, str is iterable).</summary>
internal static class BuiltinTests
{
    public static Dictionary<string, TestFunction> Create()
    {
        var t = new Dictionary<string, TestFunction>(StringComparer.Ordinal)
        {
            ["defined"] = (_, v, _) => v is not Undefined,
            ["undefined"] = (_, v, _) => v is Undefined,
            ["none"] = (_, v, _) => v is null,
            ["boolean"] = (_, v, _) => v is bool,
            ["true"] = (_, v, _) => v is true,
            ["false"] = (_, v, _) => v is false,
            ["integer"] = (_, v, _) => v is long,
            ["float"] = (_, v, _) => v is double,
            ["number"] = (_, v, _) => PyNumbers.IsNumber(v),
            ["string"] = (_, v, _) => v is string,
            ["mapping"] = (_, v, _) => v is JinjaDict,
            ["iterable"] = (_, v, _) => PyIter.IsIterable(v),
            ["sequence"] = (_, v, _) => v is string or JinjaList or JinjaDict or Undefined,
            ["callable"] = (_, v, _) => v is IJinjaCallable,
            ["escaped"] = (_, _, _) => false,
            ["sameas"] = (_, v, a) => SameAs(v, a.Get(0, "other")),
            ["odd"] = (_, v, _) => PyEquality.Equal(PyArithmetic.Modulo(v, 2L), 1L),
            ["even"] = (_, v, _) => PyEquality.Equal(PyArithmetic.Modulo(v, 2L), 0L),
            ["divisibleby"] = (_, v, a) => PyEquality.Equal(PyArithmetic.Modulo(v, a.Get(0, "num")), 0L),
            ["in"] = (_, v, a) => PyIter.Contains(a.Get(0, "seq"), v),
            ["lower"] = (_, v, _) => PyRepr.Str(v) is var s && s.Any(char.IsLower) && !s.Any(char.IsUpper),
            ["upper"] = (_, v, _) => PyRepr.Str(v) is var s && s.Any(char.IsUpper) && !s.Any(char.IsLower),
            ["filter"] = (_, v, _) => v is string name && JinjaEnvironment.FilterNames.Contains(name),
            ["test"] = (_, v, _) => v is string name && JinjaEnvironment.TestNames.Contains(name),
        };
        TestFunction eq = (_, v, a) => PyEquality.Equal(v, a.Get(0, "other"));
        TestFunction lt = (_, v, a) => PyOrdering.Compare(v, a.Get(0, "other"), "<") < 0;
        TestFunction le = (_, v, a) => PyOrdering.Compare(v, a.Get(0, "other"), "<=") <= 0;
        TestFunction gt = (_, v, a) => PyOrdering.Compare(v, a.Get(0, "other"), ">") > 0;
        TestFunction ge = (_, v, a) => PyOrdering.Compare(v, a.Get(0, "other"), ">=") >= 0;
        foreach (string name in new[] { "eq", "equalto", "==" }) t[name] = eq;
        t["ne"] = t["!="] = (env, v, a) => !eq(env, v, a);
        foreach (string name in new[] { "lt", "lessthan", "<" }) t[name] = lt;
        t["le"] = t["<="] = le;
        foreach (string name in new[] { "gt", "greaterthan", ">" }) t[name] = gt;
        t["ge"] = t[">="] = ge;
        return t;
    }

    /// <summary>Python's <c>is</c>: identity, which for None, bools and small values means equal value and type.</summary>
    private static bool SameAs(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (bool x, bool y) => x == y,
        (long x, long y) => x == y,
        (string x, string y) => x == y, // Python interns equal string constants
        _ => ReferenceEquals(a, b),
    };
}
