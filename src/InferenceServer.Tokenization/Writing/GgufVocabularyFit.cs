using System.Globalization;
using static InferenceServer.Tokenization.Loading.GgufTokenizerReader;

namespace InferenceServer.Tokenization.Writing;

/// <summary>
/// Makes tokenizer.ggml.* metadata list exactly as many tokens as the model's embedding has rows: llama.cpp takes the
/// vocabulary size from tokenizer.ggml.tokens and refuses a token_embd.weight of another size.
/// </summary>
internal static class GgufVocabularyFit
{
    /// <summary>Score of padding pieces in a "llama" vocabulary, as llama.cpp's convert_hf_to_gguf.py writes them.</summary>
    private const float PaddingScore = -1000f;

    private static readonly string[] IdKeys = [BosIdKey, EosIdKey, EotIdKey, EomIdKey, UnknownIdKey, PaddingIdKey];

    /// <summary>
    /// Pads with unused "[PAD{id}]" tokens (as the converter does for models whose embedding outgrows the tokenizer) or,
    /// for a tokenizer that stands in for a smaller model's, keeps the first <paramref name="rows"/> tokens, the merges
    /// among them and the special ids below <paramref name="rows"/>.
    /// </summary>
    public static void Fit(Dictionary<string, object> metadata, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        var tokens = (string[])metadata[TokensKey];
        if (tokens.Length == rows) return;
        if (tokens.Length < rows) Pad(metadata, tokens, rows);
        else Truncate(metadata, tokens, rows);
    }

    private static void Pad(Dictionary<string, object> metadata, string[] tokens, int rows)
    {
        int count = tokens.Length;
        var padded = new string[rows];
        tokens.CopyTo(padded, 0);
        for (int id = count; id < rows; id++) padded[id] = string.Create(CultureInfo.InvariantCulture, $"[PAD{id}]");
        metadata[TokensKey] = padded;
        var types = new int[rows];
        ((int[])metadata[TokenTypeKey]).CopyTo(types, 0);
        types.AsSpan(count).Fill((int)TokenType.Unused);
        metadata[TokenTypeKey] = types;
        if (metadata.TryGetValue(ScoresKey, out object? s))
        {
            var scores = new float[rows];
            ((float[])s).CopyTo(scores, 0);
            scores.AsSpan(count).Fill(PaddingScore);
            metadata[ScoresKey] = scores;
        }
    }

    private static void Truncate(Dictionary<string, object> metadata, string[] tokens, int rows)
    {
        var kept = tokens[..rows];
        metadata[TokensKey] = kept;
        metadata[TokenTypeKey] = ((int[])metadata[TokenTypeKey])[..rows];
        if (metadata.TryGetValue(ScoresKey, out object? scores)) metadata[ScoresKey] = ((float[])scores)[..rows];
        if (metadata.TryGetValue(MergesKey, out object? merges))
        {
            // A merge survives only when both parts and the piece it makes are still tokens.
            var vocabulary = new HashSet<string>(kept, StringComparer.Ordinal);
            metadata[MergesKey] = ((string[])merges).Where(m =>
            {
                int space = m.IndexOf(' ', StringComparison.Ordinal);
                string left = m[..space], right = m[(space + 1)..];
                return vocabulary.Contains(left) && vocabulary.Contains(right) && vocabulary.Contains(left + right);
            }).ToArray();
        }
        foreach (string key in IdKeys)
            if (metadata.TryGetValue(key, out object? id) && (uint)id >= (uint)rows) metadata.Remove(key);
    }
}
