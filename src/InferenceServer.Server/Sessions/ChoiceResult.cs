using System.Text;
using InferenceServer.Engine.Outputs;

namespace InferenceServer.Server.Sessions;

/// <summary>One choice of a non-streaming answer, gathered from its outputs.</summary>
public sealed class ChoiceResult
{
    public StringBuilder Text { get; } = new();

    /// <summary>The outputs that carried a token, in order (for logprobs).</summary>
    public List<Engine.Requests.RequestOutput> Tokens { get; } = [];

    public ChoiceOutput? Final { get; set; }

    public string FinishReason => Final?.Output.Finish is { } finish ? finish.ToWire() : "abort";

    /// <summary>Reads a session to the end, choice by choice.</summary>
    public static async Task<ChoiceResult[]> CollectAsync(GenerationSession session, int choices)
    {
        ArgumentNullException.ThrowIfNull(session);
        var results = new ChoiceResult[choices];
        for (int i = 0; i < choices; i++) results[i] = new ChoiceResult();
        await foreach (var c in session.ReadAllAsync().ConfigureAwait(false))
        {
            var r = results[c.Index];
            r.Text.Append(c.Output.TextDelta);
            if (c.Output.TokenId >= 0) r.Tokens.Add(c.Output);
            if (c.Output.IsFinal) r.Final = c;
        }
        return results;
    }
}
