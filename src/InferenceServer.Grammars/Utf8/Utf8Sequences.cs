using System.Text;
using InferenceServer.Grammars.Ir;

namespace InferenceServer.Grammars.Utf8;

/// <summary>
/// Turns a range of Unicode scalar values into the byte-range sequences that match exactly their UTF-8 encodings
/// (the construction of Rust's regex-syntax Utf8Sequences): e.g. U+0080..U+07FF is [C2-DF][80-BF]. Surrogates
/// are skipped; every other code point in the range is matched by exactly one sequence.
/// </summary>
public static class Utf8Sequences
{
    /// <summary>Largest code point of 1, 2, 3 and 4-byte encodings.</summary>
    private static readonly int[] LengthLimits = [0x7F, 0x7FF, 0xFFFF, 0x10FFFF];

    /// <summary>The byte-range sequences covering the scalar values in [<paramref name="low"/>, <paramref name="high"/>].</summary>
    public static List<GrammarElement[]> Of(int low, int high)
    {
        if (low < 0 || high > 0x10FFFF || low > high) throw new ArgumentOutOfRangeException(nameof(low), $"bad code point range U+{low:X}..U+{high:X}");
        var result = new List<GrammarElement[]>();
        var pending = new Stack<(int Low, int High)>();
        pending.Push((low, high));
        while (pending.Count > 0)
        {
            var (lo, hi) = pending.Pop();
            if (Split(lo, hi, pending)) continue;
            result.Add(Encode(lo, hi));
        }
        return result;
    }

    // Splits the range where one byte-range sequence cannot cover it; false when it can.
    private static bool Split(int lo, int hi, Stack<(int, int)> pending)
    {
        if (lo <= 0xD7FF && hi >= 0xE000)
        {
            Push(pending, lo, 0xD7FF, 0xE000, hi);
            return true;
        }
        if (lo is >= 0xD800 and <= 0xDFFF) lo = 0xE000;
        if (hi is >= 0xD800 and <= 0xDFFF) hi = 0xD7FF;
        if (lo > hi) return true;
        foreach (int limit in LengthLimits)
        {
            if (lo <= limit && limit < hi)
            {
                Push(pending, lo, limit, limit + 1, hi);
                return true;
            }
        }
        if (hi <= 0x7F) return false;
        for (int i = 1; i < 4; i++)
        {
            int mask = (1 << (6 * i)) - 1;
            if ((lo & ~mask) == (hi & ~mask)) continue;
            if ((lo & mask) != 0)
            {
                Push(pending, lo, lo | mask, (lo | mask) + 1, hi);
                return true;
            }
            if ((hi & mask) != mask)
            {
                Push(pending, lo, (hi & ~mask) - 1, hi & ~mask, hi);
                return true;
            }
        }
        return false;
    }

    // The second half is pushed first so the sequences come out in code point order.
    private static void Push(Stack<(int, int)> pending, int lo1, int hi1, int lo2, int hi2)
    {
        pending.Push((lo2, hi2));
        pending.Push((lo1, hi1));
    }

    private static GrammarElement[] Encode(int lo, int hi)
    {
        Span<byte> a = stackalloc byte[4];
        Span<byte> b = stackalloc byte[4];
        int n = new Rune(lo).EncodeToUtf8(a);
        int m = new Rune(hi).EncodeToUtf8(b);
        if (n != m) throw new InvalidOperationException($"U+{lo:X} and U+{hi:X} encode to different lengths");
        var sequence = new GrammarElement[n];
        for (int i = 0; i < n; i++) sequence[i] = GrammarElement.Bytes(a[i], b[i]);
        return sequence;
    }
}
