namespace InferenceServer.ChatTemplates.Jinja.Python;

/// <summary>Python's numeric tower as the interpreter sees it: bool and int (long) are integral, float is double.</summary>
internal static class PyNumbers
{
    public static bool IsNumber(object? v) => v is long or double or bool;

    public static bool IsIntegral(object? v) => v is long or bool;

    public static long ToLong(object? v) => v switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        double d => (long)d,
        _ => throw new InvalidCastException(PyTypes.Name(v)),
    };

    public static double ToDouble(object? v) => v switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        double d => d,
        _ => throw new InvalidCastException(PyTypes.Name(v)),
    };

    /// <summary>A Python index (int or bool), or a TypeError naming what was given instead.</summary>
    public static long ToIndex(object? v, string what) => IsIntegral(v)
        ? ToLong(v)
        : throw new TemplateRuntimeException($"{what} must be integers or None or have an __index__ method, not {PyTypes.Name(v)}");
}
