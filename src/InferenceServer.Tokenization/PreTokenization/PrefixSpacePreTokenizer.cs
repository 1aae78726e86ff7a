namespace InferenceServer.Tokenization.PreTokenization;

/// <summary>Prepends a space to a piece that does not start with one (Hugging Face ByteLevel add_prefix_space).</summary>
public sealed class PrefixSpacePreTokenizer : IPreTokenizer
{
    public static PrefixSpacePreTokenizer Instance { get; } = new();

    public void PreTokenize(ReadOnlyMemory<char> text, bool atTextStart, List<ReadOnlyMemory<char>> pieces)
    {
        if (text.Length == 0) return;
        pieces.Add(text.Span[0] == ' ' ? text : (" " + text.Span.ToString()).AsMemory());
    }
}
