namespace InferenceServer.Tokenization.Normalization;

/// <summary>A Hugging Face-style normalizer: rewrites a piece of raw text before pre-tokenization.</summary>
public interface ITextNormalizer
{
    /// <summary>The normalized text (may be the same instance when nothing changes).</summary>
    string Normalize(string text);
}
