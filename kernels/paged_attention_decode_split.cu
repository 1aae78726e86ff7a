// Decode attention over the paged KV cache, split-K (vLLM's paged_attention_v2) for contexts too long for one block's
// shared memory. Pass 1, one CUDA block per (query head, sequence, partition): attends over partition_size positions
// and writes the partition's max logit, its sum of exponentials and its output normalised by that sum (fp32).
// Pass 2, one block per (query head, sequence): rescales every partition to the global max and combines them.
// Workspace, fp32: partial_out [seq, q_heads, max_partitions, head_dim], max_logits and exp_sums
// [seq, q_heads, max_partitions]. Dynamic shared memory: pass 1 (head_dim + groups * head_dim + partition_size)
// floats as the single-pass kernel; pass 2 max_partitions floats.
#include "common/paged_attention.cuh"

template <typename T, typename TCache>
__device__ void paged_attention_decode_partition(float* __restrict__ partial_out, float* __restrict__ max_logits,
                                                 float* __restrict__ exp_sums, const T* __restrict__ q,
                                                 const TCache* __restrict__ k_cache, const TCache* __restrict__ v_cache,
                                                 const int* __restrict__ block_tables, const int* __restrict__ context_lens,
                                                 int max_blocks_per_seq, int q_heads, int kv_heads, int head_dim,
                                                 int block_size, float scale, int sliding_window, int q_stride,
                                                 int partition_size) {
    __shared__ float scratch[32];
    KDYN_SHARED(float, smem);
    const int head = blockIdx.x, seq = blockIdx.y, part = blockIdx.z;
    const int context = context_lens[seq];
    const int first = sliding_window > 0 ? kmax(0, context - sliding_window) : 0;
    const int begin = first + part * partition_size;
    // Launches cover the longest context of the batch; shorter ones leave their trailing partitions unused (the
    // whole block returns, so no barrier is skipped by only some threads).
    if (begin >= context) return;
    float* q_s = smem;
    float* partial = q_s + head_dim;
    float* logits = partial + paged_attention_groups(head_dim) * head_dim;
    const long long slot = (static_cast<long long>(seq) * q_heads + head) * gridDim.z + part;
    float* out_row = partial_out + slot * head_dim;
    paged_attention_span(q + static_cast<long long>(seq) * q_stride + static_cast<long long>(head) * head_dim, k_cache,
                         v_cache, block_tables + static_cast<long long>(seq) * max_blocks_per_seq,
                         head / (q_heads / kv_heads), kv_heads, head_dim, block_size, scale, begin,
                         kmin(partition_size, context - begin), q_s, partial, logits, scratch,
                         [=](int d, float acc, float max_logit, float sum) {
                             out_row[d] = acc / sum;
                             if (d == 0) {
                                 max_logits[slot] = max_logit;
                                 exp_sums[slot] = sum;
                             }
                         });
}

template <typename T>
__device__ void paged_attention_decode_reduce(T* __restrict__ out, const float* __restrict__ partial_out,
                                              const float* __restrict__ max_logits, const float* __restrict__ exp_sums,
                                              const int* __restrict__ context_lens, int q_heads, int head_dim,
                                              int sliding_window, int partition_size, int max_partitions) {
    __shared__ float scratch[32];
    KDYN_SHARED(float, weights);
    const int head = blockIdx.x, seq = blockIdx.y, tid = threadIdx.x;
    const int context = context_lens[seq];
    const int len = sliding_window > 0 ? kmin(context, sliding_window) : context;
    const int parts = (len + partition_size - 1) / partition_size;
    const long long base = (static_cast<long long>(seq) * q_heads + head) * max_partitions;

    float local_max = -INFINITY;
    for (int i = tid; i < parts; i += blockDim.x) local_max = fmaxf(local_max, max_logits[base + i]);
    const float global_max = block_max(local_max, scratch);
    // Each partition's share of the softmax denominator at the global max.
    float local_sum = 0.0f;
    for (int i = tid; i < parts; i += blockDim.x) {
        const float w = exp_sums[base + i] * expf(max_logits[base + i] - global_max);
        weights[i] = w;
        local_sum += w;
    }
    const float inv_sum = 1.0f / block_sum(local_sum, scratch);  // its barriers also publish the weights

    T* out_row = out + (static_cast<long long>(seq) * q_heads + head) * head_dim;
    for (int d = tid; d < head_dim; d += blockDim.x) {
        float acc = 0.0f;
        for (int i = 0; i < parts; i++) acc += weights[i] * partial_out[(base + i) * head_dim + d];
        out_row[d] = from_float<T>(acc * inv_sum);
    }
}

#define PAGED_ATTENTION_PARTITION_ENTRY(suffix, T, TCache)                                                          \
    extern "C" __global__ void __launch_bounds__(256) paged_attention_decode_partition_##suffix(                  \
        float* partial_out, float* max_logits, float* exp_sums, const T* q, const TCache* k_cache,                  \
        const TCache* v_cache, const int* block_tables, const int* context_lens, int max_blocks_per_seq,            \
        int q_heads, int kv_heads, int head_dim, int block_size, float scale, int sliding_window, int q_stride,     \
        int partition_size) {                                                                                       \
        paged_attention_decode_partition<T, TCache>(partial_out, max_logits, exp_sums, q, k_cache, v_cache,         \
                                                    block_tables, context_lens, max_blocks_per_seq, q_heads,        \
                                                    kv_heads, head_dim, block_size, scale, sliding_window,          \
                                                    q_stride, partition_size);                                      \
    }                                                                                                               \
    KERNEL_REGISTER(paged_attention_decode_partition_##suffix)

#define PAGED_ATTENTION_REDUCE_ENTRY(suffix, T)                                                                     \
    extern "C" __global__ void __launch_bounds__(256) paged_attention_decode_reduce_##suffix(                     \
        T* out, const float* partial_out, const float* max_logits, const float* exp_sums, const int* context_lens,  \
        int q_heads, int head_dim, int sliding_window, int partition_size, int max_partitions) {                    \
        paged_attention_decode_reduce<T>(out, partial_out, max_logits, exp_sums, context_lens, q_heads, head_dim,   \
                                         sliding_window, partition_size, max_partitions);                           \
    }                                                                                                               \
    KERNEL_REGISTER(paged_attention_decode_reduce_##suffix)

PAGED_ATTENTION_PARTITION_ENTRY(f32_f32, float, float)
PAGED_ATTENTION_PARTITION_ENTRY(f32_bf16, float, __nv_bfloat16)
PAGED_ATTENTION_PARTITION_ENTRY(f16_f16, __half, __half)
PAGED_ATTENTION_PARTITION_ENTRY(bf16_bf16, __nv_bfloat16, __nv_bfloat16)
PAGED_ATTENTION_REDUCE_ENTRY(f32, float)
PAGED_ATTENTION_REDUCE_ENTRY(f16, __half)
PAGED_ATTENTION_REDUCE_ENTRY(bf16, __nv_bfloat16)
