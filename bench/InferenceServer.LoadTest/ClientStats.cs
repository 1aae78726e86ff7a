namespace InferenceServer.LoadTest;

/// <summary>One client's counts: finished streams, their time to first token and tokens, 429s and failures.</summary>
internal sealed class ClientStats
{
    public List<double> TtftSeconds { get; } = [];
    public long Tokens { get; set; }
    public int Completed { get; set; }
    public int Rejected { get; set; }

    /// <summary>Streams this client walked away from mid-answer (closing the connection without reading on).</summary>
    public int Disconnected { get; set; }
    public List<string> Errors { get; } = [];
}
