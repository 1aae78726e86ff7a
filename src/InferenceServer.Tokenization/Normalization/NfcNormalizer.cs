namespace InferenceServer.Tokenization.Normalization;

/// <summary>Unicode canonical composition (Hugging Face "NFC"), independent of ICU.</summary>
public sealed class NfcNormalizer : ITextNormalizer
{
    public static NfcNormalizer Instance { get; } = new();

    public string Normalize(string text) => UnicodeComposition.ToNfc(text);
}
