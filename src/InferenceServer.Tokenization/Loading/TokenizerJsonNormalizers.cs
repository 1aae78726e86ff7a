using InferenceServer.Core.Json;
using InferenceServer.Tokenization.Normalization;

namespace InferenceServer.Tokenization.Loading;

/// <summary>Builds the normalizer described by tokenizer.json's "normalizer".</summary>
internal static class TokenizerJsonNormalizers
{
    public static ITextNormalizer? Read(JsonFields root)
    {
        var n = root.OptionalObject("normalizer");
        return n is { } fields ? Build(fields) : null;
    }

    private static ITextNormalizer Build(JsonFields n)
    {
        string type = n.String("type");
        switch (type)
        {
            case "Sequence":
                return new SequenceNormalizer([.. n.Array("normalizers").Select(Build)]);
            case "Prepend":
                return new PrependNormalizer(n.String("prepend"));
            case "Replace":
                var pattern = n.Object("pattern");
                if (pattern.OptionalString("String") is not { } literal)
                    throw n.Error("Replace normalizers with a Regex pattern are not supported yet (only String patterns)");
                return new ReplaceNormalizer(literal, n.String("content"));
            case "NFC":
                return NfcNormalizer.Instance;
            default:
                throw n.Error($"normalizer type '{type}' is not supported yet (supported: Sequence, Prepend, Replace, NFC)");
        }
    }
}
