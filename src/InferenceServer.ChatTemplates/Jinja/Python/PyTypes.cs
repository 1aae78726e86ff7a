using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Python;

/// <summary>Python's names for the runtime types, as they appear in Python and Jinja2 error messages.</summary>
internal static class PyTypes
{
    public static string Name(object? v) => v switch
    {
        null => "NoneType",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        JinjaList l => l.IsTuple ? "tuple" : "list",
        JinjaDict => "dict",
        Undefined => "Undefined",
        JinjaNamespace => "Namespace",
        SliceValue => "slice",
        IJinjaCallable => "function",
        _ => v.GetType().Name,
    };

    /// <summary>Jinja2's <c>object_type_repr</c>: "None", or "dict object" for builtins.</summary>
    public static string ObjectTypeRepr(object? v) => v switch
    {
        null => "None",
        JinjaNamespace => "jinja2.utils.Namespace object",
        _ => Name(v) + " object",
    };
}
