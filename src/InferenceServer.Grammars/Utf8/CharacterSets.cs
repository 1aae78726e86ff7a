using InferenceServer.Grammars.Ir;

namespace InferenceServer.Grammars.Utf8;

/// <summary>Sets of Unicode scalar values (character classes, <c>.</c>, <c>\d</c>) as grammar elements, shared by the GBNF and regex front ends.</summary>
public static class CharacterSets
{
    /// <summary>Every scalar value.</summary>
    public static IReadOnlyList<(int Low, int High)> Any { get; } = [(0, 0x10FFFF)];

    /// <summary>The scalar values not in <paramref name="ranges"/>.</summary>
    public static List<(int Low, int High)> Complement(IEnumerable<(int Low, int High)> ranges)
    {
        var result = new List<(int, int)>();
        int next = 0;
        foreach (var (low, high) in ranges.OrderBy(r => r.Low))
        {
            if (low > next) result.Add((next, low - 1));
            next = Math.Max(next, high + 1);
        }
        if (next <= 0x10FFFF) result.Add((next, 0x10FFFF));
        return result;
    }

    /// <summary>The set as one element: a byte range where it is one, else a helper rule of its UTF-8 sequences.</summary>
    public static GrammarElement Element(GrammarBuilder builder, string owner, IEnumerable<(int Low, int High)> ranges)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var sequences = ranges.SelectMany(r => Utf8Sequences.Of(r.Low, r.High)).ToList();
        if (sequences.Count == 1 && sequences[0].Length == 1) return sequences[0][0];
        return builder.Helper(owner, [.. sequences]);
    }
}
