using System.Text.Json;

namespace InferenceServer.Tokenization.Tests;

/// <summary>
/// Fixtures/hf-expectations.json: ids and decoded text produced by the real Hugging Face tokenizers (Rust, npm
/// "tokenizers" 0.23.2) for the fixture tokenizer.json files; see Fixtures/generate-hf-expectations.js.
/// </summary>
internal static class HuggingFaceExpectations
{
    public sealed record Encoding(string Text, int[] Ids);

    public sealed record Decoding(int[] Ids, string Skip, string Keep);

    public sealed record Set(string Name, string? Variant, List<Encoding> Encodings, List<Decoding> Decodings);

    private static readonly Lazy<Dictionary<string, Set>> All = new(() =>
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "hf-expectations.json");
        var sets = JsonSerializer.Deserialize<List<Set>>(File.ReadAllText(path), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        return sets.ToDictionary(s => s.Name);
    });

    public static Set For(string name) => All.Value[name];

    public static IEnumerable<string> Names => All.Value.Keys;
}
