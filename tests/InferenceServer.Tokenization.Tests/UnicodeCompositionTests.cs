using System.Text.Json;
using InferenceServer.Tokenization.Normalization;

namespace InferenceServer.Tokenization.Tests;

public class UnicodeCompositionTests
{
    [Theory]
    [InlineData("e\u0301", "\u00E9")]
    [InlineData("Cu\u031Bo\u0301a", "C\u01B0\u00F3a")]
    [InlineData("\u1100\u1161\u11A8", "\uAC01")] // Hangul L V T
    [InlineData("\u212B", "\u00C5")] // Angstrom sign is a singleton
    [InlineData("\u0958", "\u0915\u093C")] // composition exclusion
    [InlineData("a\u0328\u0301", "\u0105\u0301")] // ogonek (ccc 202) before acute (230) after reordering
    [InlineData("\u0301a", "\u0301a")] // a leading combining mark composes with nothing
    [InlineData("plain ascii", "plain ascii")]
    public void Composes_known_cases(string input, string expected) => Assert.Equal(expected, NfcNormalizer.Instance.Normalize(input));

    [Fact]
    public void Already_composed_text_is_returned_as_is()
    {
        string text = "Cửa Việt 日本語 😀";
        Assert.Same(text, NfcNormalizer.Instance.Normalize(text));
    }

    [Fact]
    public void Matches_python_unicodedata_on_every_decomposable_character_and_random_sequences()
    {
        // string.Normalize cannot serve as the reference: under InvariantGlobalization it leaves such text unchanged.
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "nfc-expectations.json")));
        var cases = doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => (c[0].GetString()!, c[1].GetString()!)).ToList();
        Assert.True(cases.Count > 5000);
        var failures = cases.Where(c => NfcNormalizer.Instance.Normalize(c.Item1) != c.Item2)
            .Select(c => $"{Escape(c.Item1)} -> {Escape(NfcNormalizer.Instance.Normalize(c.Item1))}, expected {Escape(c.Item2)}").ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} differ:\n" + string.Join("\n", failures.Take(8)));
    }

    private static string Escape(string s) => string.Concat(s.EnumerateRunes().Select(r => r.Value < 128 ? r.ToString() : $"U+{r.Value:X4} "));
}
