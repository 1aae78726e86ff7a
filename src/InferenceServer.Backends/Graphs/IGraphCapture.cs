using InferenceServer.Backends.Lora;

namespace InferenceServer.Backends.Graphs;

/// <summary>
/// A backend whose decode forward can be captured once per batch shape and replayed (vLLM's CUDA graphs): the ops run
/// inside <see cref="Capture"/> are recorded, not executed, so everything they would copy from the host must be staged
/// first with <see cref="StageDecode"/>, and nothing may allocate or synchronise inside.
/// </summary>
public interface IGraphCapture
{
    /// <summary>Changes whenever a device buffer a graph may point at is reallocated (a scratch grew, a LoRA target
    /// got its slots): graphs captured under another value must be dropped.</summary>
    long GraphEpoch { get; }

    /// <summary>Uploads one decode step's metadata exactly as the ops would (positions, slot mapping, logit rows, block
    /// tables, context lengths, LoRA row slots), so the recorded ops find it already on the device.</summary>
    void StageDecode(ReadOnlySpan<int> positions, ReadOnlySpan<int> slotMapping, ReadOnlySpan<int> logitRows, AttentionBatch attention, LoraBatch? lora);

    /// <summary>Records the device work <paramref name="body"/> issues; throws (recording nothing) when it cannot be captured.</summary>
    ICapturedGraph Capture(Action body);
}
