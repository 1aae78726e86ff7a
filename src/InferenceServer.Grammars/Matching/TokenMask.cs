namespace InferenceServer.Grammars.Matching;

/// <summary>
/// The tokens a matcher allows next, as a bitmask over the vocabulary (bit i of word i / 64): a depth-first walk of
/// the vocabulary trie that advances the matcher one byte per edge, rolls it back on the way up, and skips a subtree
/// the moment its prefix is refused. End-of-sequence is not a token here: the caller allows it where the matcher accepts.
/// </summary>
public static class TokenMask
{
    /// <summary>Words of a mask over <paramref name="vocabularySize"/> tokens.</summary>
    public static int Words(int vocabularySize) => (vocabularySize + 63) / 64;

    /// <summary>Clears <paramref name="mask"/> and sets the bit of every token <paramref name="matcher"/> can accept next.</summary>
    public static void Compute(EarleyMatcher matcher, TokenTrie trie, Span<ulong> mask)
    {
        ArgumentNullException.ThrowIfNull(matcher);
        ArgumentNullException.ThrowIfNull(trie);
        if (mask.Length < Words(trie.VocabularySize)) throw new ArgumentException($"the mask needs {Words(trie.VocabularySize)} words", nameof(mask));
        mask.Clear();
        Walk(matcher, trie, TokenTrie.Root, mask);
    }

    private static void Walk(EarleyMatcher matcher, TokenTrie trie, int node, Span<ulong> mask)
    {
        foreach (var (value, child) in trie.Children(node))
        {
            if (!matcher.TryAdvance(value)) continue;
            foreach (int token in trie.TokensAt(child)) mask[token >> 6] |= 1UL << (token & 63);
            Walk(matcher, trie, child, mask);
            matcher.Rollback(1);
        }
    }

    /// <summary>Whether <paramref name="token"/>'s bit is set.</summary>
    public static bool Allows(ReadOnlySpan<ulong> mask, int token) => (mask[token >> 6] & (1UL << (token & 63))) != 0;
}
