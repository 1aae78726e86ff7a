namespace InferenceServer.Tokenization.PreTokenization;

/// <summary>
/// Splits (and possibly rewrites) normalized text into the pieces BPE runs on, as a Hugging Face pre-tokenizer does.
/// Pieces never cross: BPE merges only within a piece.
/// </summary>
public interface IPreTokenizer
{
    /// <summary>
    /// Appends the pieces of <paramref name="text"/> in order. <paramref name="atTextStart"/> tells whether the text
    /// starts the whole input (not after a special token), which "prepend first" schemes need.
    /// </summary>
    void PreTokenize(ReadOnlyMemory<char> text, bool atTextStart, List<ReadOnlyMemory<char>> pieces);
}
