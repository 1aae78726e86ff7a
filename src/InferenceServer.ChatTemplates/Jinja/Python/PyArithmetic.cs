using System.Text;
using InferenceServer.ChatTemplates.Jinja.Values;

namespace InferenceServer.ChatTemplates.Jinja.Python;

/// <summary>Python's arithmetic operators, with its rules for int/float, string and list operands and its error messages.</summary>
internal static class PyArithmetic
{
    public static object? Add(object? a, object? b)
    {
        FailIfUndefined(a, b);
        if (PyNumbers.IsNumber(a) && PyNumbers.IsNumber(b))
        {
            return Both(a, b)
                ? Checked(() => checked(PyNumbers.ToLong(a) + PyNumbers.ToLong(b)))
                : PyNumbers.ToDouble(a) + PyNumbers.ToDouble(b);
        }
        if (a is string sa && b is string sb) return sa + sb;
        if (a is JinjaList la && b is JinjaList lb && la.IsTuple == lb.IsTuple)
            return new JinjaList([.. la.Items, .. lb.Items], la.IsTuple);
        if (a is string || a is JinjaList)
            throw new TemplateRuntimeException($"can only concatenate {PyTypes.Name(a)} (not \"{PyTypes.Name(b)}\") to {PyTypes.Name(a)}");
        throw Unsupported("+", a, b);
    }

    public static object? Subtract(object? a, object? b)
    {
        FailIfUndefined(a, b);
        if (!PyNumbers.IsNumber(a) || !PyNumbers.IsNumber(b)) throw Unsupported("-", a, b);
        return Both(a, b)
            ? Checked(() => checked(PyNumbers.ToLong(a) - PyNumbers.ToLong(b)))
            : PyNumbers.ToDouble(a) - PyNumbers.ToDouble(b);
    }

    public static object? Multiply(object? a, object? b)
    {
        FailIfUndefined(a, b);
        if (PyNumbers.IsNumber(a) && PyNumbers.IsNumber(b))
        {
            return Both(a, b)
                ? Checked(() => checked(PyNumbers.ToLong(a) * PyNumbers.ToLong(b)))
                : PyNumbers.ToDouble(a) * PyNumbers.ToDouble(b);
        }
        if (PyNumbers.IsIntegral(b) && Repeat(a, PyNumbers.ToLong(b)) is { } r1) return r1;
        if (PyNumbers.IsIntegral(a) && Repeat(b, PyNumbers.ToLong(a)) is { } r2) return r2;
        throw Unsupported("*", a, b);
    }

    public static object? Divide(object? a, object? b)
    {
        FailIfUndefined(a, b);
        if (!PyNumbers.IsNumber(a) || !PyNumbers.IsNumber(b)) throw Unsupported("/", a, b);
        double y = PyNumbers.ToDouble(b);
        if (y == 0) throw new TemplateRuntimeException("division by zero");
        return PyNumbers.ToDouble(a) / y;
    }

    public static object? FloorDivide(object? a, object? b)
    {
        FailIfUndefined(a, b);
        if (!PyNumbers.IsNumber(a) || !PyNumbers.IsNumber(b)) throw Unsupported("//", a, b);
        if (Both(a, b))
        {
            long x = PyNumbers.ToLong(a), y = PyNumbers.ToLong(b);
            if (y == 0) throw new TemplateRuntimeException("integer division or modulo by zero");
            long q = x / y;
            return (x % y != 0 && (x < 0) != (y < 0)) ? q - 1 : q;
        }
        double yd = PyNumbers.ToDouble(b);
        if (yd == 0) throw new TemplateRuntimeException("float floor division by zero");
        return Math.Floor(PyNumbers.ToDouble(a) / yd);
    }

    public static object? Modulo(object? a, object? b)
    {
        if (a is string format) return PercentFormat.Apply(format, b);
        FailIfUndefined(a, b);
        if (!PyNumbers.IsNumber(a) || !PyNumbers.IsNumber(b)) throw Unsupported("%", a, b);
        if (Both(a, b))
        {
            long x = PyNumbers.ToLong(a), y = PyNumbers.ToLong(b);
            if (y == 0) throw new TemplateRuntimeException("integer modulo by zero");
            long r = x % y;
            return r != 0 && (r < 0) != (y < 0) ? r + y : r;
        }
        double xd = PyNumbers.ToDouble(a), yd = PyNumbers.ToDouble(b);
        if (yd == 0) throw new TemplateRuntimeException("float modulo");
        double m = xd % yd;
        return m != 0 && (m < 0) != (yd < 0) ? m + yd : m;
    }

    public static object? Power(object? a, object? b)
    {
        FailIfUndefined(a, b);
        if (!PyNumbers.IsNumber(a) || !PyNumbers.IsNumber(b)) throw Unsupported("** or pow()", a, b);
        if (Both(a, b) && PyNumbers.ToLong(b) >= 0)
        {
            long x = PyNumbers.ToLong(a), n = PyNumbers.ToLong(b), result = 1;
            return Checked(() =>
            {
                for (long i = 0; i < n; i++) result = checked(result * x);
                return result;
            });
        }
        return Math.Pow(PyNumbers.ToDouble(a), PyNumbers.ToDouble(b));
    }

    public static object? Negate(object? a)
    {
        if (a is Undefined u) throw u.Error();
        if (PyNumbers.IsIntegral(a)) return -PyNumbers.ToLong(a);
        if (a is double d) return -d;
        throw new TemplateRuntimeException($"bad operand type for unary -: '{PyTypes.Name(a)}'");
    }

    public static object? Plus(object? a)
    {
        if (a is Undefined u) throw u.Error();
        if (PyNumbers.IsIntegral(a)) return PyNumbers.ToLong(a);
        if (a is double) return a;
        throw new TemplateRuntimeException($"bad operand type for unary +: '{PyTypes.Name(a)}'");
    }

    private static object? Repeat(object? seq, long times)
    {
        if (seq is string s)
        {
            var sb = new StringBuilder();
            for (long i = 0; i < times; i++) sb.Append(s);
            return sb.ToString();
        }
        if (seq is JinjaList l)
        {
            var items = new List<object?>();
            for (long i = 0; i < times; i++) items.AddRange(l.Items);
            return new JinjaList(items, l.IsTuple);
        }
        return null;
    }

    private static bool Both(object? a, object? b) => PyNumbers.IsIntegral(a) && PyNumbers.IsIntegral(b);

    private static object Checked(Func<long> f)
    {
        try
        {
            return f();
        }
        catch (OverflowException)
        {
            throw new TemplateRuntimeException("integer result too large (beyond 64 bits)");
        }
    }

    private static void FailIfUndefined(object? a, object? b)
    {
        if (a is Undefined u) throw u.Error();
        if (b is Undefined v) throw v.Error();
    }

    private static TemplateRuntimeException Unsupported(string op, object? a, object? b) =>
        new($"unsupported operand type(s) for {op}: '{PyTypes.Name(a)}' and '{PyTypes.Name(b)}'");
}
