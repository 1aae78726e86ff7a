// Decode attention over the paged KV cache, single pass (vLLM's paged_attention_v1): one CUDA block per
// (query head, sequence), one new token per sequence. Keys are transposed per block ([dim, slot]), so threads
// taking consecutive positions read consecutive addresses. All logits of the context stay in shared memory,
// which bounds the context (see docs/kernels.md); paged_attention_decode_split.cu handles long contexts.
// Dynamic shared memory: (head_dim + groups * head_dim + context) floats, groups = max(1, blockDim.x / head_dim).
#include "common/paged_attention.cuh"

template <typename T, typename TCache>
__device__ void paged_attention_decode(T* __restrict__ out, const T* __restrict__ q, const TCache* __restrict__ k_cache,
                                       const TCache* __restrict__ v_cache, const int* __restrict__ block_tables,
                                       const int* __restrict__ context_lens, int max_blocks_per_seq, int q_heads,
                                       int kv_heads, int head_dim, int block_size, float scale, int sliding_window,
                                       int q_stride) {
    __shared__ float scratch[32];
    KDYN_SHARED(float, smem);
    const int head = blockIdx.x, seq = blockIdx.y;
    const int context = context_lens[seq];
    const int first = sliding_window > 0 ? kmax(0, context - sliding_window) : 0;
    float* q_s = smem;
    float* partial = q_s + head_dim;
    float* logits = partial + paged_attention_groups(head_dim) * head_dim;
    const T* q_row = q + static_cast<long long>(seq) * q_stride + static_cast<long long>(head) * head_dim;
    T* out_row = out + (static_cast<long long>(seq) * q_heads + head) * head_dim;
    paged_attention_span(q_row, k_cache, v_cache, block_tables + static_cast<long long>(seq) * max_blocks_per_seq,
                         head / (q_heads / kv_heads), kv_heads, head_dim, block_size, scale, first, context - first, q_s,
                         partial, logits, scratch,
                         [=](int d, float acc, float, float sum) { out_row[d] = from_float<T>(acc / sum); });
}

#define PAGED_ATTENTION_DECODE_ENTRY(suffix, T, TCache)                                                             \
    extern "C" __global__ void __launch_bounds__(256) paged_attention_decode_##suffix(                            \
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
