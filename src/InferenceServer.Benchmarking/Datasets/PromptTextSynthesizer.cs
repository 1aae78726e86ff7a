using InferenceServer.Tokenization;

namespace InferenceServer.Benchmarking.Datasets;

/// <summary>
/// Random prompt text of a given length in the model's tokens: random ordinary vocabulary ids decoded to text, then
/// re-encoded and trimmed until the text encodes to the length asked (decode/encode is not an exact round trip).
/// </summary>
internal sealed class PromptTextSynthesizer
{
    private readonly ITextTokenizer _tokenizer;
    private readonly int[] _ordinaryIds;

    public PromptTextSynthesizer(ITextTokenizer tokenizer)
    {
        _tokenizer = tokenizer;
        var added = tokenizer.AddedTokens.Select(t => t.Id).ToHashSet();
        _ordinaryIds = Enumerable.Range(0, tokenizer.VocabSize)
            .Where(id => !tokenizer.IsSpecial(id) && !added.Contains(id) && !tokenizer.TokenBytes(id).IsEmpty)
            .ToArray();
        if (_ordinaryIds.Length == 0) throw new ArgumentException("the tokenizer has no ordinary tokens to build prompts from");
    }

    /// <summary>Prompt tokens are counted without BOS/EOS, as the text a client sends.</summary>
    public int Count(string text) => _tokenizer.Encode(text, addSpecialTokens: false).Length;

    public string Make(Random random, int tokens)
    {
        var ids = new int[tokens];
        for (int i = 0; i < ids.Length; i++) ids[i] = _ordinaryIds[random.Next(_ordinaryIds.Length)];
        string text = _tokenizer.Decode(ids);
        // A few rounds converge: each trims or pads the re-encoded ids by the difference.
        for (int round = 0; round < 8; round++)
        {
            int[] encoded = _tokenizer.Encode(text, addSpecialTokens: false);
            if (encoded.Length == tokens) return text;
            int[] adjusted = encoded.Length > tokens
                ? encoded[..tokens]
                : [.. encoded, .. Enumerable.Range(0, tokens - encoded.Length).Select(_ => _ordinaryIds[random.Next(_ordinaryIds.Length)])];
            text = _tokenizer.Decode(adjusted);
        }
        return text;
    }
}
