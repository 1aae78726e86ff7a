namespace InferenceServer.Tokenization.Normalization;

/// <summary>Applies normalizers one after another (Hugging Face "Sequence").</summary>
public sealed class SequenceNormalizer(IReadOnlyList<ITextNormalizer> normalizers) : ITextNormalizer
{
    public IReadOnlyList<ITextNormalizer> Normalizers { get; } = normalizers;

    public string Normalize(string text)
    {
        foreach (var n in Normalizers) text = n.Normalize(text);
        return text;
    }
}
