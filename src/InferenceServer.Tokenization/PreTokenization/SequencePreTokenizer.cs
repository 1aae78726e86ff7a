namespace InferenceServer.Tokenization.PreTokenization;

/// <summary>Runs pre-tokenizers one after another, each on every piece of the previous (Hugging Face "Sequence").</summary>
public sealed class SequencePreTokenizer(IReadOnlyList<IPreTokenizer> stages) : IPreTokenizer
{
    public IReadOnlyList<IPreTokenizer> Stages { get; } = stages;

    public void PreTokenize(ReadOnlyMemory<char> text, bool atTextStart, List<ReadOnlyMemory<char>> pieces)
    {
        if (Stages.Count == 0)
        {
            if (text.Length > 0) pieces.Add(text);
            return;
        }
        var current = new List<ReadOnlyMemory<char>> { text };
        var next = new List<ReadOnlyMemory<char>>();
        for (int s = 0; s < Stages.Count; s++)
        {
            var target = s == Stages.Count - 1 ? pieces : next;
            for (int i = 0; i < current.Count; i++)
                Stages[s].PreTokenize(current[i], atTextStart && i == 0, target);
            (current, next) = (next, current);
            next.Clear();
        }
    }
}
