using InferenceServer.Backends.Graphs;
using InferenceServer.Core.Errors;

namespace InferenceServer.Engine.Runner;

/// <summary>
/// The decode forward captured once per (batch size, LoRA on/off, planned context bucket) and replayed (vLLM's CUDA graphs). A shape runs
/// eagerly the first time, so every buffer it needs has grown before it is captured on its second time; graphs are
/// dropped when the backend reports that buffers moved. A capture that fails turns graphs off with the reason.
/// </summary>
internal sealed class DecodeGraphs(IGraphCapture capture) : IDisposable
{
    private readonly Dictionary<(int Tokens, bool Lora, int Context), ICapturedGraph> _graphs = [];
    private readonly HashSet<(int Tokens, bool Lora, int Context)> _warmed = [];
    private long _epoch = -1;

    /// <summary>Graphs captured so far (recaptures after buffers moved included).</summary>
    public long Captures { get; private set; }

    /// <summary>Decode steps run by replaying a graph.</summary>
    public long Replays { get; private set; }

    /// <summary>Why graphs were turned off, or null while they are on.</summary>
    public string? DisabledReason { get; private set; }

    /// <summary>Runs <paramref name="body"/> (the forward after the embedding) for a decode batch, through a graph where one exists.</summary>
    /// <param name="blockSize">Tokens per KV block (with the block tables' width, the longest plannable context).</param>
    public void Run(ForwardBatch batch, int blockSize, Action body)
    {
        if (DisabledReason != null)
        {
            body();
            return;
        }
        int t = batch.TokenCount;
        // Staging first: it may grow an array, which must drop the graphs before one is looked up.
        capture.StageDecode(batch.Positions.AsSpan(0, t), batch.SlotMapping.AsSpan(0, t), batch.LogitRows.AsSpan(0, batch.LogitCount), batch.Attention, batch.Lora);
        if (capture.GraphEpoch != _epoch)
        {
            Clear();
            _epoch = capture.GraphEpoch;
        }
        // The attention launch's shape depends on the context bucket, so each bucket has its own graph.
        var key = (t, batch.Lora.Any, batch.Attention.PlannedContext(blockSize));
        if (!_graphs.TryGetValue(key, out var graph))
        {
            if (_warmed.Add(key))
            {
                body();
                return;
            }
            try
            {
                graph = capture.Capture(body);
            }
            catch (InferenceServerException e)
            {
                DisabledReason = $"capturing the decode forward of {t} tokens failed: {e.Message}";
                Clear();
                body();
                return;
            }
            _graphs[key] = graph;
            Captures++;
        }
        graph.Launch();
        Replays++;
    }

    private void Clear()
    {
        foreach (var g in _graphs.Values) g.Dispose();
        _graphs.Clear();
        _warmed.Clear();
    }

    public void Dispose() => Clear();
}
