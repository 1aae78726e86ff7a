using InferenceServer.Backends.Graphs;
using InferenceServer.Backends.Lora;

namespace InferenceServer.Backends.Cuda.Backend;

/// <summary>
/// CUDA graphs of the decode forward: metadata staged into the same device arrays the ops use (their host mirrors then
/// skip the copies during capture), and an epoch that moves whenever one of the backend's buffers is reallocated.
/// </summary>
public sealed partial class CudaBackend : IGraphCapture
{
    private long _graphEpoch;
    private bool _capturing;

    public long GraphEpoch => _graphEpoch;

    public void StageDecode(ReadOnlySpan<int> positions, ReadOnlySpan<int> slotMapping, ReadOnlySpan<int> logitRows, AttentionBatch attention, LoraBatch? lora)
    {
        ArgumentNullException.ThrowIfNull(attention);
        int sequences = attention.SequenceCount;
        _positions.Upload(positions);
        _slots.Upload(slotMapping);
        _rows.Upload(logitRows);
        _blockTables.Upload(attention.BlockTables.AsSpan(0, sequences * attention.MaxBlocksPerSequence));
        _contextLengths.Upload(attention.ContextLength.AsSpan(0, sequences));
        if (lora is { Any: true }) _loraRowSlots.Upload(lora.RowSlot.AsSpan(0, lora.RowCount));
    }

    public ICapturedGraph Capture(Action body)
    {
        _capturing = true;
        try
        {
            return _device.Capture(body);
        }
        finally
        {
            _capturing = false;
        }
    }

    /// <summary>Called when a buffer that graphs may have recorded is freed for a bigger one.</summary>
    private void BuffersMoved() => _graphEpoch++;
}
