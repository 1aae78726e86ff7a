using InferenceServer.Backends;
using InferenceServer.Core.Tensors;
using InferenceServer.Engine.Runner;
using InferenceServer.Models.Config;

namespace InferenceServer.Engine;

/// <summary>How many KV blocks the memory budget buys, checked against the longest context one request may need.</summary>
public static class KvCacheSizing
{
    /// <summary>Bytes of K and V of one block over all layers.</summary>
    public static long BytesPerBlock(ModelConfig config, int blockSize, TensorDType kvDType = TensorDType.F32)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new KvCacheLayout(config.NumLayers, 1, blockSize, config.NumKvHeads, config.HeadDim, kvDType).TotalBytes;
    }

    /// <summary>The KV storage type: the option if set, else f32 for f32 weights and bf16 for any other.</summary>
    public static TensorDType ResolveDType(EngineOptions options, ModelWeights weights)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(weights);
        if (options.KvCacheDType is { } chosen) return chosen;
        return weights.LmHead.DType == TensorDType.F32 && weights.Layers[0].QProj.DType == TensorDType.F32 ? TensorDType.F32 : TensorDType.BF16;
    }

    /// <summary>
    /// Blocks for <see cref="EngineOptions.KvCacheMemoryBytes"/>, or else for the memory fraction of what the
    /// process may use, capped at what <see cref="EngineOptions.MaxNumSeqs"/> full contexts need.
    /// </summary>
    /// <param name="deviceBudgetBytes">KV bytes a GPU leaves (<see cref="DeviceBudget"/>); null: budget host memory.</param>
    public static int NumBlocks(ModelConfig config, EngineOptions options, int context, TensorDType kvDType = TensorDType.F32, long? deviceBudgetBytes = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        long perBlock = BytesPerBlock(config, options.BlockSize, kvDType);
        int blocksPerContext = (context + options.BlockSize - 1) / options.BlockSize;
        long blocks;
        if (options.KvCacheMemoryBytes is long bytes)
        {
            long limit = deviceBudgetBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            if (bytes > limit)
                throw new ArgumentException(
                    $"kv-cache-memory asks for {bytes} bytes, more than the {(deviceBudgetBytes is null ? "host memory this process may use" : "device memory the weights and activations leave")} ({limit} bytes)");
            blocks = bytes / perBlock;
        }
        else if (deviceBudgetBytes is long budget)
        {
            blocks = Math.Min(budget / perBlock, (long)blocksPerContext * options.MaxNumSeqs);
        }
        else
        {
            long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            blocks = Math.Min((long)(available * options.KvCacheMemoryFraction) / perBlock, (long)blocksPerContext * options.MaxNumSeqs);
        }
        if (blocks < blocksPerContext)
            throw new ArgumentException(
                $"the KV cache holds {blocks * options.BlockSize} tokens ({blocks} blocks of {perBlock} bytes), less than one full context of {context}: raise the KV cache memory or lower max-model-len");
        return (int)Math.Min(blocks, int.MaxValue / options.BlockSize);
    }

    /// <summary>
    /// vLLM's rule on a GPU: of total × <see cref="EngineOptions.GpuMemoryUtilization"/>, what the weights (already
    /// loaded) and the runner's activation buffers leave is the KV pool's. Null when the backend does not compute in
    /// device memory of its own (CPU, emulation).
    /// </summary>
    public static long? DeviceBudget(IComputeBackend backend, EngineOptions options, ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(backend);
        if (backend.Memory() is not { } memory) return null;
        long used = memory.Total - memory.Free;
        long activations = ModelRunner.ActivationBytes(config, options.MaxNumBatchedTokens, options.MaxNumSeqs);
        long budget = (long)(memory.Total * options.GpuMemoryUtilization) - used - activations;
        if (budget <= 0)
            throw new ArgumentException(
                $"gpu-memory-utilization {options.GpuMemoryUtilization} leaves no room for the KV cache: {used >> 20} MiB of {memory.Total >> 20} MiB are in use after loading the weights and the activations need {activations >> 20} MiB; raise it or lower max-num-batched-tokens");
        return budget;
    }
}
