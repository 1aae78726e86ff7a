using InferenceServer.Core.Tensors;
using InferenceServer.Models.Adapters;

namespace InferenceServer.Backends.Lora;

/// <summary>
/// The LoRA ops of a backend: a fixed number of adapter slots in device memory and the grouped, unmerged
/// delta y += scaling · (x·Aᵀ)·Bᵀ per row by that row's slot (BGMV for decode rows, SGMV for prefill segments).
/// </summary>
public interface ILoraCompute
{
    /// <summary>Number of adapter slots (<c>--max-loras</c>).</summary>
    int LoraSlotCount { get; }

    /// <summary>
    /// Makes room for <paramref name="slots"/> adapters whose matrices are stored as <paramref name="dtype"/> (f32 or
    /// bf16, vLLM's <c>--lora-dtype</c>; accumulation is fp32 either way); called once before any load.
    /// </summary>
    void AllocateLoraSlots(int slots, TensorDType dtype = TensorDType.F32);

    /// <summary>Puts <paramref name="adapter"/> into <paramref name="slot"/>, replacing what was there (null empties it).</summary>
    void LoadLoraSlot(int slot, LoraAdapter? adapter);

    /// <summary>
    /// y[row] += s·(x[row]·Aᵀ)·Bᵀ for every row whose slot's adapter modifies <paramref name="target"/> of
    /// <paramref name="layer"/>; x is [rows, in], y is [rows, out].
    /// </summary>
    void AddLora(DeviceBuffer x, DeviceBuffer y, int layer, LoraTarget target, LoraBatch batch);
}
