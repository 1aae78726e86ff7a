namespace InferenceServer.Tokenization.Normalization;

/// <summary>Prepends a fixed string to non-empty text (Hugging Face "Prepend"; SentencePiece's dummy prefix "▁").</summary>
public sealed class PrependNormalizer(string prefix) : ITextNormalizer
{
    public string Prefix { get; } = prefix;

    // Empty text stays empty: Hugging Face does not prepend to nothing, so "" encodes to just BOS.
    public string Normalize(string text) => text.Length == 0 ? text : Prefix + text;
}
