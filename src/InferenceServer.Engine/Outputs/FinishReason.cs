namespace InferenceServer.Engine.Outputs;

/// <summary>Why a sequence stopped, with OpenAI's names.</summary>
public enum FinishReason
{
    /// <summary>End-of-sequence token, a stop token id or a stop string ("stop").</summary>
    Stop,
    /// <summary>max_tokens reached or the context is full ("length").</summary>
    Length,
    /// <summary>Cancelled by the caller ("abort").</summary>
    Abort,
}

/// <summary>OpenAI wire names of finish reasons.</summary>
public static class FinishReasonNames
{
    public static string ToWire(this FinishReason r) => r switch
    {
        FinishReason.Stop => "stop",
        FinishReason.Length => "length",
        _ => "abort",
    };
}
