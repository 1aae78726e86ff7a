using InferenceServer.Core.Tensors;
using InferenceServer.Models.Loading;

namespace InferenceServer.Engine;

/// <summary>Settings of an engine instance that do not depend on the request (vLLM's flag names in the comments).</summary>
public sealed record EngineOptions
{
    /// <summary>Where to compute (<c>--device</c>): cpu, cuda, auto or cuda-emulation.</summary>
    public Backends.ComputeDevice Device { get; init; } = Backends.ComputeDevice.Cpu;

    /// <summary>Share of GPU memory the engine may use for weights, activations and the KV pool (<c>--gpu-memory-utilization</c>).</summary>
    public double GpuMemoryUtilization { get; init; } = 0.9;

    /// <summary>Run every step op by op: no CUDA graphs for decode (<c>--enforce-eager</c>).</summary>
    public bool EnforceEager { get; init; }

    /// <summary>CPU threads for kernels (0: all cores).</summary>
    public int Threads { get; init; }

    /// <summary>The CPU backend's kernel path; null: the fastest this CPU supports (a path it cannot run fails at start).</summary>
    public Backends.Cpu.Simd.CpuIsa? CpuPath { get; init; }

    /// <summary>Storage type of weight matrices (<c>--dtype</c>; null: keep the file's).</summary>
    public TensorDType? DType { get; init; }

    /// <summary>Most tokens in one forward pass (<c>--max-num-batched-tokens</c>); longer prompts are prefilled in chunks.</summary>
    public int MaxNumBatchedTokens { get; init; } = 512;

    /// <summary>Most requests running at once (<c>--max-num-seqs</c>).</summary>
    public int MaxNumSeqs { get; init; } = 64;

    /// <summary>Most prompt tokens one request prefills per step (null: as many as the budget leaves).</summary>
    public int? LongPrefillChunk { get; init; }

    /// <summary>Tokens per KV-cache block (<c>--block-size</c>).</summary>
    public int BlockSize { get; init; } = 16;

    /// <summary>Context length cap (null: the model's; <c>--max-model-len</c>).</summary>
    public int? MaxModelLen { get; init; }

    /// <summary>Bytes of the KV pool (<c>--kv-cache-memory</c>); null: <see cref="KvCacheMemoryFraction"/> of available memory.</summary>
    public long? KvCacheMemoryBytes { get; init; }

    /// <summary>Share of available memory for the KV pool when no byte count is given.</summary>
    public double KvCacheMemoryFraction { get; init; } = 0.2;

    /// <summary>
    /// Storage of K and V (<c>--kv-cache-dtype</c>): f32 or bf16; null ("auto") keeps f32 for f32 weights and uses
    /// bf16 otherwise (half the memory and half the bytes attention reads).
    /// </summary>
    public TensorDType? KvCacheDType { get; init; }

    /// <summary>Share full KV blocks between requests with the same prefix (<c>--enable-prefix-caching</c>).</summary>
    public bool EnablePrefixCaching { get; init; } = true;

    /// <summary>Serve LoRA adapters chosen per request (<c>--enable-lora</c>).</summary>
    public bool EnableLora { get; init; }

    /// <summary>Adapters that can run in one step (device slots, <c>--max-loras</c>).</summary>
    public int MaxLoras { get; init; } = 4;

    /// <summary>Adapters kept loaded in host memory (<c>--max-cpu-loras</c>, at least <see cref="MaxLoras"/>; null: MaxLoras).</summary>
    public int? MaxCpuLoras { get; init; }

    /// <summary>Largest adapter rank accepted (<c>--max-lora-rank</c>, at most 64).</summary>
    public int MaxLoraRank { get; init; } = 16;

    /// <summary>
    /// Storage of LoRA matrices in the adapter slots (<c>--lora-dtype</c>): f32 or bf16; null ("auto") keeps f32 for
    /// f32 weights and uses bf16 otherwise (half the bytes a step reads per adapter; accumulation stays fp32).
    /// </summary>
    public TensorDType? LoraDType { get; init; }

    /// <summary>Scheduling order and preemption victim choice.</summary>
    public SchedulingPolicy Policy { get; init; } = SchedulingPolicy.Fcfs;

    /// <summary>Outputs buffered per request before the request is paused until its consumer reads (backpressure).</summary>
    public int OutputBufferCapacity { get; init; } = 64;

    /// <summary>
    /// These options with what a model's manifest chooses filled in: its weight dtype where none is set, and its
    /// context cap where that is the smaller.
    /// </summary>
    public EngineOptions ForModel(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        int? manifestCap = model.Manifest?.MaxContext;
        return this with
        {
            DType = DType ?? model.Manifest?.DType,
            MaxModelLen = MaxModelLen is int cap && manifestCap is int other ? Math.Min(cap, other) : MaxModelLen ?? manifestCap,
        };
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        static void Check(bool ok, string message)
        {
            if (!ok) throw new ArgumentException(message);
        }
        // Upper bounds far above any real setting: beyond them buffers sized from these values overflow or cannot exist.
        Check(Threads is >= 0 and <= 4096, $"threads must be in [0, 4096], got {Threads}");
        Check(MaxNumBatchedTokens is >= 1 and <= 1 << 20, $"max-num-batched-tokens must be in [1, {1 << 20}], got {MaxNumBatchedTokens}");
        Check(MaxNumSeqs is >= 1 and <= 1 << 16, $"max-num-seqs must be in [1, {1 << 16}], got {MaxNumSeqs}");
        Check(LongPrefillChunk is null or >= 1, $"long-prefill-chunk must be >= 1, got {LongPrefillChunk}");
        Check(BlockSize is >= 1 and <= 256, $"block-size must be in [1, 256], got {BlockSize}");
        Check(MaxModelLen is null or >= 2, $"max-model-len must be >= 2, got {MaxModelLen}");
        Check(KvCacheMemoryBytes is null or > 0, $"kv-cache-memory must be > 0, got {KvCacheMemoryBytes}");
        Check(GpuMemoryUtilization is > 0 and <= 1, $"gpu-memory-utilization must be in (0, 1], got {GpuMemoryUtilization}");
        Check(KvCacheMemoryFraction is > 0 and <= 1, $"kv-cache-memory fraction must be in (0, 1], got {KvCacheMemoryFraction}");
        Check(KvCacheDType is null or TensorDType.F32 or TensorDType.BF16, $"kv-cache-dtype must be f32 or bf16, got {KvCacheDType}");
        Check(MaxLoras >= 1, $"max-loras must be >= 1, got {MaxLoras}");
        Check(MaxCpuLoras is null || MaxCpuLoras >= MaxLoras, $"max-cpu-loras ({MaxCpuLoras}) must be at least max-loras ({MaxLoras})");
        Check(MaxLoraRank is >= 1 and <= 64, $"max-lora-rank must be in [1, 64], got {MaxLoraRank}");
        Check(LoraDType is null or TensorDType.F32 or TensorDType.BF16, $"lora-dtype must be auto, float32 or bfloat16, got {LoraDType}");
        Check(OutputBufferCapacity >= 1, $"output buffer capacity must be >= 1, got {OutputBufferCapacity}");
    }
}
