using InferenceServer.Benchmarking.Client;

namespace InferenceServer.LoadTest;

/// <summary>One client's results: the outcome of each stream it read to the end or that failed, its 429s and the streams it left.</summary>
internal sealed class ClientStats
{
    /// <summary>Completed and failed streams; 429s and streams left mid-answer are counted apart, not here.</summary>
    public List<RequestOutcome> Outcomes { get; } = [];

    public int Rejected { get; set; }

    /// <summary>Streams this client walked away from mid-answer (closing the connection without reading on).</summary>
    public int Disconnected { get; set; }
}
