using System.Text.Json;
using InferenceServer.Tokenization;

namespace InferenceServer.Benchmarking.Datasets;

/// <summary>
/// ShareGPT-format conversations (a JSON array of {"conversations": [{"from", "value"}, ...]}): the first turn is the
/// prompt, the second the answer whose length sets the output tokens. Shuffled by the seed and filtered as vLLM does
/// (at least 4 tokens each, prompt at most 1024, both at most 2048); repeated when the file has too few.
/// </summary>
internal static class ShareGptDataset
{
    private const int MinTokens = 4;
    private const int MaxPromptTokens = 1024;
    private const int MaxTotalTokens = 2048;

    public static List<BenchPrompt> Build(ITextTokenizer tokenizer, DatasetSpec spec, int count, Random random)
    {
        string path = spec.Path ?? throw new ArgumentException("--dataset-path is required for the sharegpt dataset");
        var pairs = ReadPairs(path);
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pairs));
        var usable = new List<BenchPrompt>();
        foreach (var (prompt, answer) in pairs)
        {
            if (usable.Count == count) break;
            int promptTokens = tokenizer.Encode(prompt, addSpecialTokens: false).Length;
            int outputTokens = spec.OutputLen ?? tokenizer.Encode(answer, addSpecialTokens: false).Length;
            bool outputTooShort = spec.OutputLen is null && outputTokens < MinTokens;
            if (promptTokens < MinTokens || outputTooShort || promptTokens > MaxPromptTokens || promptTokens + outputTokens > MaxTotalTokens) continue;
            usable.Add(new BenchPrompt(prompt, promptTokens, outputTokens));
        }
        if (usable.Count == 0) throw new ArgumentException($"{path}: no conversation passes the length filters (4..1024 prompt tokens, at most 2048 in all)");
        return [.. Enumerable.Range(0, count).Select(i => usable[i % usable.Count])];
    }

    private static List<(string Prompt, string Answer)> ReadPairs(string path)
    {
        if (!File.Exists(path)) throw new ArgumentException($"{path}: no such file");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{path}: not valid JSON: {e.Message}", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new ArgumentException($"{path}: expected a JSON array of conversations");
            var pairs = new List<(string, string)>();
            foreach (var entry in doc.RootElement.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("conversations", out var turns) || turns.ValueKind != JsonValueKind.Array) continue;
                if (turns.GetArrayLength() < 2) continue;
                string? prompt = TurnText(turns[0]), answer = TurnText(turns[1]);
                if (prompt is not null && answer is not null) pairs.Add((prompt, answer));
            }
            return pairs;
        }
    }

    private static string? TurnText(JsonElement turn) =>
        turn.ValueKind == JsonValueKind.Object && turn.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
