using InferenceServer.Core.Json;

namespace InferenceServer.Tokenization.Loading;

/// <summary>The BOS/EOS a tokenizer.json post-processor wraps single sequences in (TemplateProcessing), if any.</summary>
internal static class TokenizerJsonPostProcessor
{
    public readonly record struct Wrapping(string? Bos, string? Eos);

    public static Wrapping Read(JsonFields root) =>
        root.OptionalObject("post_processor") is { } p ? Find(p) : default;

    private static Wrapping Find(JsonFields p)
    {
        switch (p.String("type"))
        {
            case "Sequence":
                foreach (var inner in p.Array("processors"))
                    if (Find(inner) is { } w && (w.Bos is not null || w.Eos is not null)) return w;
                return default;
            case "TemplateProcessing":
                var single = p.Array("single").ToList();
                return new Wrapping(SpecialTokenName(single.FirstOrDefault()), single.Count > 1 ? SpecialTokenName(single[^1]) : null);
            default:
                return default; // ByteLevel and others add no tokens to a single sequence we model here
        }
    }

    private static string? SpecialTokenName(JsonFields item) =>
        item.Element.ValueKind == System.Text.Json.JsonValueKind.Object && item.OptionalObject("SpecialToken") is { } s
            ? s.String("id") : null;
}
