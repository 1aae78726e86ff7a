namespace InferenceServer.Tokenization.Vocabulary;

/// <summary>
/// Derives BPE merges from SentencePiece piece scores, as transformers' SentencePieceExtractor does when converting a
/// .model file: every split of a piece into two pieces is a merge, ranked by the piece's score (higher first), ties
/// in piece-id order, then by the ids of the two halves.
/// </summary>
public static class ScoreMerges
{
    /// <param name="tokens">Pieces by id (null for holes).</param>
    /// <param name="scores">Scores by id; when every score is the same (GGUF files converted from tokenizer.json carry
    /// -1000 everywhere) the rank is the piece id, which is the order Hugging Face's BPE trainer created them in.</param>
    public static List<(string Left, string Right)> Derive(IReadOnlyList<string?> tokens, IReadOnlyList<float> scores, IReadOnlyDictionary<string, int> vocabulary)
    {
        var found = new List<(float Score, int Piece, int Left, int Right)>();
        var local = new List<(int Left, int Right)>();
        for (int id = 0; id < tokens.Count; id++)
        {
            if (tokens[id] is not { Length: > 1 } piece) continue;
            local.Clear();
            foreach (int cut in CodePointStarts(piece))
            {
                if (cut == 0) continue;
                if (vocabulary.TryGetValue(piece[..cut], out int l) && vocabulary.TryGetValue(piece[cut..], out int r))
                    local.Add((l, r));
            }
            local.Sort();
            foreach (var (l, r) in local) found.Add((scores[id], id, l, r));
        }
        // Stable: equal scores keep piece order, then the (left, right) order above.
        var ordered = found.Select((m, i) => (m, i)).OrderByDescending(x => x.m.Score).ThenBy(x => x.i);
        return [.. ordered.Select(x => (tokens[x.m.Left]!, tokens[x.m.Right]!))];
    }

    private static IEnumerable<int> CodePointStarts(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsLowSurrogate(s[i]) && i > 0 && char.IsHighSurrogate(s[i - 1])) continue;
            yield return i;
        }
    }
}
