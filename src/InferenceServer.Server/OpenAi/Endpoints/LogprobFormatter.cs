using System.Text;
using InferenceServer.Engine.Requests;
using InferenceServer.Server.OpenAi.Contracts;
using InferenceServer.Tokenization;

namespace InferenceServer.Server.OpenAi.Endpoints;

/// <summary>Builds OpenAI's logprob objects from the engine's sampled tokens; a token's text is its own bytes (not the decoded stream).</summary>
public sealed class LogprobFormatter(ITextTokenizer tokenizer)
{
    public string TokenText(int id) => Encoding.UTF8.GetString(tokenizer.TokenBytes(id));

    private int[] TokenBytes(int id)
    {
        var bytes = tokenizer.TokenBytes(id);
        var result = new int[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) result[i] = bytes[i];
        return result;
    }

    /// <summary>The chat entry of one generated token.</summary>
    public ChatTokenLogprob Chat(in RequestOutput o)
    {
        var top = o.Sample.TopLogprobs is { } alternatives
            ? alternatives.Select(t => new ChatTopLogprob(TokenText(t.TokenId), t.Logprob, TokenBytes(t.TokenId))).ToList()
            : [];
        return new ChatTokenLogprob(TokenText(o.TokenId), o.Sample.Logprob, TokenBytes(o.TokenId), top);
    }

    /// <summary>Appends one generated token to completions logprobs, at <paramref name="textOffset"/> in the choice's text.</summary>
    public void AppendCompletion(CompletionLogprobs into, in RequestOutput o, int textOffset)
    {
        ArgumentNullException.ThrowIfNull(into);
        into.Tokens.Add(TokenText(o.TokenId));
        into.TokenLogprobs.Add(o.Sample.Logprob);
        var top = new Dictionary<string, float>(StringComparer.Ordinal);
        if (o.Sample.TopLogprobs is { } alternatives)
            foreach (var t in alternatives) top.TryAdd(TokenText(t.TokenId), t.Logprob);
        into.TopLogprobs.Add(top);
        into.TextOffset.Add(textOffset);
    }

    public static CompletionLogprobs EmptyCompletion() => new([], [], [], []);
}
