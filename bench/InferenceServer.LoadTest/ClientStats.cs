namespace InferenceServer.LoadTest;

/// <summary>One client's counts: finished streams, their time to first token and tokens, 429s and failures.</summary>
internal sealed class ClientStats
{
    public List<double> TtftSeconds { get; } = [];
    public long Tokens { get; set; }
    public int Completed { get; set; }
    public int Rejected { get; set; }
    public List<string> Errors { get; } = [];
}
