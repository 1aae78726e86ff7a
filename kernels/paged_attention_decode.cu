// Decode attention over the paged KV cache, single pass (vLLM's paged_attention_v1): one CUDA block per
// (query head, sequence), one new token per sequence. Keys are transposed per block ([dim, slot]), so threads
// taking consecutive positions read consecutive addresses. All logits of the context stay in shared memory,
// which bounds the context (see docs/kernels.md); a split-K version for long contexts is still to come.
// Dynamic shared memory: (head_dim + groups * head_dim + context) floats, groups = max(1, blockDim.x / head_dim).
#include "common/dtype.cuh"
#include "common/reduce.cuh"

template <typename T, typename TCache>
__device__ void paged_attention_decode(T* __restrict__ out, const T* __restrict__ q, const TCache* __restrict__ k_cache,
                                       const TCache* __restrict__ v_cache, const int* __restrict__ block_tables,
                                       const int* __restrict__ context_lens, int max_blocks_per_seq, int q_heads,
                                       int kv_heads, int head_dim, int block_size, float scale, int sliding_window,
                                       int q_stride) {
    __shared__ float scratch[32];
    KDYN_SHARED(float, smem);
    const int head = blockIdx.x, seq = blockIdx.y, tid = threadIdx.x;
    const int kv_head = head / (q_heads / kv_heads);
    const int context = context_lens[seq];
    const int first = sliding_window > 0 ? kmax(0, context - sliding_window) : 0;
    const int len = context - first;
    const int* table = block_tables + static_cast<long long>(seq) * max_blocks_per_seq;
    const long long head_run = static_cast<long long>(block_size) * head_dim;
    const int groups = kmax(1, static_cast<int>(blockDim.x) / head_dim);
    float* q_s = smem;
    float* partial = q_s + head_dim;
    float* logits = partial + groups * head_dim;

    const T* q_row = q + static_cast<long long>(seq) * q_stride + static_cast<long long>(head) * head_dim;
    for (int d = tid; d < head_dim; d += blockDim.x) q_s[d] = to_float(q_row[d]);
    __syncthreads();

    // Scores, one position per thread.
    float local_max = -INFINITY;
    for (int j = tid; j < len; j += blockDim.x) {
        const int p = first + j;
        const TCache* k = k_cache + (static_cast<long long>(table[p / block_size]) * kv_heads + kv_head) * head_run + p % block_size;
        float dot = 0.0f;
        for (int d = 0; d < head_dim; d++) dot += q_s[d] * to_float(k[static_cast<long long>(d) * block_size]);
        const float s = dot * scale;
        logits[j] = s;
        local_max = fmaxf(local_max, s);
    }
    const float max_logit = block_max(local_max, scratch);
    float local_sum = 0.0f;
    for (int j = tid; j < len; j += blockDim.x) {
        const float e = expf(logits[j] - max_logit);
        logits[j] = e;
        local_sum += e;
    }
    const float inv_sum = 1.0f / block_sum(local_sum, scratch);  // its barriers also publish the exponentials

    // Values: `groups` sets of head_dim threads split the positions; each thread owns dimensions d0, d0 + step, ...
    const bool wide = static_cast<int>(blockDim.x) >= head_dim;
    const int group = wide ? tid / head_dim : 0, d0 = wide ? tid % head_dim : tid, step = wide ? head_dim : blockDim.x;
    if (group < groups) {
        for (int d = d0; d < head_dim; d += step) {
            float acc = 0.0f;
            for (int j = group; j < len; j += groups) {
                const int p = first + j;
                const TCache* v = v_cache + (static_cast<long long>(table[p / block_size]) * kv_heads + kv_head) * head_run;
                acc += logits[j] * to_float(v[static_cast<long long>(p % block_size) * head_dim + d]);
            }
            partial[group * head_dim + d] = acc;
        }
    }
    __syncthreads();
    T* out_row = out + (static_cast<long long>(seq) * q_heads + head) * head_dim;
    for (int d = tid; d < head_dim; d += blockDim.x) {
        float acc = 0.0f;
        for (int g = 0; g < groups; g++) acc += partial[g * head_dim + d];
        out_row[d] = from_float<T>(acc * inv_sum);
    }
}

#define PAGED_ATTENTION_DECODE_ENTRY(suffix, T, TCache)                                                             \
    extern "C" __global__ void __launch_bounds__(1024) paged_attention_decode_##suffix(                            \
        T* out, const T* q, const TCache* k_cache, const TCache* v_cache, const int* block_tables,                  \
        const int* context_lens, int max_blocks_per_seq, int q_heads, int kv_heads, int head_dim, int block_size,   \
        float scale, int sliding_window, int q_stride) {                                                            \
        paged_attention_decode<T, TCache>(out, q, k_cache, v_cache, block_tables, context_lens, max_blocks_per_seq, \
                                          q_heads, kv_heads, head_dim, block_size, scale, sliding_window, q_stride); \
    }                                                                                                               \
    KERNEL_REGISTER(paged_attention_decode_##suffix)

PAGED_ATTENTION_DECODE_ENTRY(f32_f32, float, float)
PAGED_ATTENTION_DECODE_ENTRY(f32_bf16, float, __nv_bfloat16)
PAGED_ATTENTION_DECODE_ENTRY(f16_f16, __half, __half)
PAGED_ATTENTION_DECODE_ENTRY(bf16_bf16, __nv_bfloat16, __nv_bfloat16)
