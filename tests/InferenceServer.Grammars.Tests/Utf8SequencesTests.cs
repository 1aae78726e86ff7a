using System.Text;
using InferenceServer.Grammars.Ir;
using InferenceServer.Grammars.Utf8;

namespace InferenceServer.Grammars.Tests;

public sealed class Utf8SequencesTests
{
    private static bool Matches(GrammarElement[] sequence, ReadOnlySpan<byte> bytes)
    {
        if (sequence.Length != bytes.Length) return false;
        for (int i = 0; i < bytes.Length; i++)
            if (!sequence[i].Matches(bytes[i])) return false;
        return true;
    }

    [Theory]
    [InlineData(0, 0x10FFFF)]
    [InlineData(0x41, 0x5A)]
    [InlineData(0x7F, 0x80)]
    [InlineData(0x7FF, 0x800)]
    [InlineData(0xD000, 0xE100)]
    [InlineData(0xFFFF, 0x10000)]
    [InlineData(0x3B1, 0x3C9)]
    [InlineData(0x1F600, 0x1F64F)]
    [InlineData(0x81, 0x7FF)]
    [InlineData(0x3B1, 0x3FF)]
    [InlineData(0x10001, 0x10FFFF)]
    [InlineData(0x801, 0xFFFF)]
    public void Every_scalar_value_in_the_range_and_no_other_encoding_matches_exactly_one_sequence(int low, int high)
    {
        var sequences = Utf8Sequences.Of(low, high);
        var utf8 = new byte[4];
        // Every scalar value is checked near the edges and a sample elsewhere: in the range exactly one sequence matches it,
        // outside none does.
        for (int cp = 0; cp <= 0x10FFFF; cp += cp < 0x3000 || Math.Abs(cp - low) < 300 || Math.Abs(cp - high) < 300 ? 1 : 97)
        {
            if (cp is >= 0xD800 and <= 0xDFFF) continue;
            int n = new Rune(cp).EncodeToUtf8(utf8);
            int matching = sequences.Count(s => Matches(s, utf8.AsSpan(0, n)));
            Assert.True(matching == (cp >= low && cp <= high ? 1 : 0), $"U+{cp:X}: {matching} sequences match");
        }
    }

    [Fact]
    public void Random_ranges_hold_the_same_property()
    {
        var rng = new Random(19);
        for (int i = 0; i < 12; i++)
        {
            int a = rng.Next(0, 0x110000), b = rng.Next(0, 0x110000);
            // Short ranges too, which stay within one or two leading bytes.
            if (i % 2 == 0) b = Math.Min(0x10FFFF, a + rng.Next(0, 300));
            Every_scalar_value_in_the_range_and_no_other_encoding_matches_exactly_one_sequence(Math.Min(a, b), Math.Max(a, b));
        }
    }

    [Fact]
    public void No_sequence_matches_an_encoded_surrogate_or_an_overlong_form()
    {
        var all = Utf8Sequences.Of(0, 0x10FFFF);
        Assert.DoesNotContain(all, s => Matches(s, [0xED, 0xA0, 0x80]));
        Assert.DoesNotContain(all, s => Matches(s, [0xC0, 0x80]));
        Assert.DoesNotContain(all, s => Matches(s, [0xE0, 0x80, 0x80]));
        Assert.DoesNotContain(all, s => Matches(s, [0xF4, 0x90, 0x80, 0x80]));
    }
}
