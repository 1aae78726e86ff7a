namespace InferenceServer.Tokenization.Tests;

/// <summary>Encodes and decodes exactly as the Hugging Face tokenizers library does, on its recorded outputs.</summary>
public class HuggingFaceParityTests
{
    public static TheoryData<string> Names => [.. HuggingFaceExpectations.Names];

    private static TextTokenizer Tokenizer(string name) => VariantTokenizers.For(name);

    [Fact]
    public void Expectations_cover_the_fixture_files_and_variants() => Assert.Equal(7, HuggingFaceExpectations.Names.Count());

    [Theory]
    [MemberData(nameof(Names))]
    public void Encode_matches_hugging_face(string name)
    {
        var tokenizer = Tokenizer(name);
        var set = HuggingFaceExpectations.For(name);
        Assert.True(set.Encodings.Count > 150);
        var failures = set.Encodings
            .Where(e => !tokenizer.Encode(e.Text).SequenceEqual(e.Ids))
            .Select(e => $"{Show(e.Text)}\n  expected {string.Join(",", e.Ids)}\n  actual   {string.Join(",", tokenizer.Encode(e.Text))}")
            .ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {set.Encodings.Count} differ:\n" + string.Join("\n", failures.Take(6)));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Decode_matches_hugging_face(string name)
    {
        var tokenizer = Tokenizer(name);
        var set = HuggingFaceExpectations.For(name);
        var failures = new List<string>();
        foreach (var d in set.Decodings)
        {
            string keep = tokenizer.Decode(d.Ids, skipSpecialTokens: false);
            string skip = tokenizer.Decode(d.Ids, skipSpecialTokens: true);
            if (keep != d.Keep) failures.Add($"[{string.Join(",", d.Ids)}] keep: expected {Show(d.Keep)} actual {Show(keep)}");
            if (skip != d.Skip) failures.Add($"[{string.Join(",", d.Ids)}] skip: expected {Show(d.Skip)} actual {Show(skip)}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} differ:\n" + string.Join("\n", failures.Take(6)));
    }

    private static string Show(string s) => System.Text.Json.JsonSerializer.Serialize(s);
}
