// Prefill / chunked-prefill attention over the paged KV cache (FlashAttention-2's loop structure): a chunk of new
// queries attends causally to the cached prefix plus its own tokens, whose K/V the KV write already put in the cache.
// Varlen batches: the new tokens of sequence s are rows query_start[s] .. query_start[s+1]-1 and sit at the end of its
// context_lens[s] positions (our AttentionBatch). One CUDA block per (query tile of PREFILL_TILE_M rows, sequence,
// query head); K/V tiles of PREFILL_TILE_N positions are staged in shared memory and folded into each row's running
// max, sum and output (online softmax), so the context length is unbounded. Sliding window: position p is visible
// to a query at position q when q - window < p <= q.
// Dynamic shared memory: (2 * TILE_M * head_dim + 2 * TILE_N * head_dim + TILE_M * TILE_N) floats.
#include "common/dtype.cuh"

// Query rows per block and key positions per tile; PREFILL_ROW_THREADS threads share one query row, so a block is
// TILE_M * ROW_THREADS = 128 threads (launch with exactly that many).
constexpr int PREFILL_TILE_M = 16;
constexpr int PREFILL_TILE_N = 16;
constexpr int PREFILL_ROW_THREADS = 8;
constexpr int PREFILL_THREADS = PREFILL_TILE_M * PREFILL_ROW_THREADS;

// Sum / max over the PREFILL_ROW_THREADS consecutive lanes of one query row (all lanes of the warp take part).
__device__ __forceinline__ float row_sum(float v) {
#pragma unroll
    for (int offset = PREFILL_ROW_THREADS / 2; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
    return v;
}

__device__ __forceinline__ float row_max(float v) {
#pragma unroll
    for (int offset = PREFILL_ROW_THREADS / 2; offset > 0; offset >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, offset));
    return v;
}

template <typename T, typename TCache>
__device__ void paged_attention_prefill(T* __restrict__ out, const T* __restrict__ q, const TCache* __restrict__ k_cache,
                                        const TCache* __restrict__ v_cache, const int* __restrict__ block_tables,
                                        const int* __restrict__ query_start, const int* __restrict__ context_lens,
                                        int max_blocks_per_seq, int q_heads, int kv_heads, int head_dim, int block_size,
                                        float scale, int sliding_window, int q_stride) {
    KDYN_SHARED(float, smem);
    const int tile = blockIdx.x, seq = blockIdx.y, head = blockIdx.z, tid = threadIdx.x;
    const int q_begin = query_start[seq], queries = query_start[seq + 1] - q_begin;
    const int row0 = tile * PREFILL_TILE_M;
    // Grids cover the longest chunk of the batch; tiles past this sequence's chunk have nothing to do.
    if (row0 >= queries) return;
    const int context = context_lens[seq];
    const int rows = kmin(PREFILL_TILE_M, queries - row0);
    const int pos0 = context - queries + row0;  // position of the tile's first query
    const int kv_head = head / (q_heads / kv_heads);
    const int* table = block_tables + static_cast<long long>(seq) * max_blocks_per_seq;
    const long long head_run = static_cast<long long>(block_size) * head_dim;
    float* q_s = smem;                                   // [TILE_M, head_dim]
    float* o_s = q_s + PREFILL_TILE_M * head_dim;        // [TILE_M, head_dim], each entry owned by one thread
    float* k_s = o_s + PREFILL_TILE_M * head_dim;        // [TILE_N, head_dim]
    float* v_s = k_s + PREFILL_TILE_N * head_dim;        // [TILE_N, head_dim]
    float* p_s = v_s + PREFILL_TILE_N * head_dim;        // [TILE_M, TILE_N] probabilities of the current tile

    for (int i = tid; i < PREFILL_TILE_M * head_dim; i += blockDim.x) {
        const int r = i / head_dim, d = i % head_dim;
        q_s[i] = r < rows ? to_float(q[static_cast<long long>(q_begin + row0 + r) * q_stride + static_cast<long long>(head) * head_dim + d]) : 0.0f;
        o_s[i] = 0.0f;
    }

    const int r = tid / PREFILL_ROW_THREADS, lane = tid % PREFILL_ROW_THREADS;
    const int my_pos = pos0 + r;
    const bool live = r < rows;
    // Keys any row of the tile can see: from the first row's window start to the last row's own position.
    const int kv_first = sliding_window > 0 ? kmax(0, pos0 - sliding_window + 1) : 0;
    const int kv_end = pos0 + rows;  // exclusive
    float m = -INFINITY, l = 0.0f;

    for (int p0 = kv_first; p0 < kv_end; p0 += PREFILL_TILE_N) {
        __syncthreads();  // q_s/o_s written, or the previous tile's K/V/P fully consumed
        for (int i = tid; i < PREFILL_TILE_N * head_dim; i += blockDim.x) {
            // K: consecutive threads take consecutive slots of one dimension (the transposed layout's contiguous run).
            const int kj = i % PREFILL_TILE_N, kd = i / PREFILL_TILE_N, kp = p0 + kj;
            k_s[kj * head_dim + kd] = kp < kv_end
                ? to_float(k_cache[(static_cast<long long>(table[kp / block_size]) * kv_heads + kv_head) * head_run +
                                   static_cast<long long>(kd) * block_size + kp % block_size])
                : 0.0f;
            // V: consecutive threads take consecutive dimensions of one slot.
            const int vj = i / head_dim, vd = i % head_dim, vp = p0 + vj;
            v_s[i] = vp < kv_end
                ? to_float(v_cache[(static_cast<long long>(table[vp / block_size]) * kv_heads + kv_head) * head_run +
                                   static_cast<long long>(vp % block_size) * head_dim + vd])
                : 0.0f;
        }
        __syncthreads();

        // Scores of this thread's columns lane, lane + ROW_THREADS, ... with the causal and window masks.
        constexpr int COLS = PREFILL_TILE_N / PREFILL_ROW_THREADS;
        float s[COLS];
        float tile_max = -INFINITY;
#pragma unroll
        for (int k = 0; k < COLS; k++) {
            const int c = lane + k * PREFILL_ROW_THREADS, p = p0 + c;
            const bool visible = live && p <= my_pos && (sliding_window <= 0 || p > my_pos - sliding_window);
            float dot = 0.0f;
            if (visible)
                for (int d = 0; d < head_dim; d++) dot += q_s[r * head_dim + d] * k_s[c * head_dim + d];
            s[k] = visible ? dot * scale : -INFINITY;
            tile_max = fmaxf(tile_max, s[k]);
        }
        const float m_new = fmaxf(m, row_max(tile_max));
        // A row that has seen no visible key yet keeps m = -inf; subtracting 0 then gives exp(-inf) = 0, not NaN.
        const float m_ref = m_new == -INFINITY ? 0.0f : m_new;
        float tile_sum = 0.0f;
#pragma unroll
        for (int k = 0; k < COLS; k++) {
            const float e = expf(s[k] - m_ref);
            p_s[r * PREFILL_TILE_N + lane + k * PREFILL_ROW_THREADS] = e;
            tile_sum += e;
        }
        const float alpha = expf(m - m_ref);
        l = l * alpha + row_sum(tile_sum);
        m = m_new;
        __syncthreads();  // the row's probabilities come from all of its lanes

        for (int d = lane; d < head_dim; d += PREFILL_ROW_THREADS) {
            float acc = o_s[r * head_dim + d] * alpha;
            for (int c = 0; c < PREFILL_TILE_N; c++) acc += p_s[r * PREFILL_TILE_N + c] * v_s[c * head_dim + d];
            o_s[r * head_dim + d] = acc;
        }
    }

    if (live) {
        T* out_row = out + (static_cast<long long>(q_begin + row0 + r) * q_heads + head) * head_dim;
        for (int d = lane; d < head_dim; d += PREFILL_ROW_THREADS) out_row[d] = from_float<T>(o_s[r * head_dim + d] / l);
    }
}

#define PAGED_ATTENTION_PREFILL_ENTRY(suffix, T, TCache)                                                            \
    extern "C" __global__ void __launch_bounds__(PREFILL_THREADS) paged_attention_prefill_##suffix(                \
        T* out, const T* q, const TCache* k_cache, const TCache* v_cache, const int* block_tables,                   \
        const int* query_start, const int* context_lens, int max_blocks_per_seq, int q_heads, int kv_heads,         \
        int head_dim, int block_size, float scale, int sliding_window, int q_stride) {                              \
        paged_attention_prefill<T, TCache>(out, q, k_cache, v_cache, block_tables, query_start, context_lens,       \
                                           max_blocks_per_seq, q_heads, kv_heads, head_dim, block_size, scale,      \
                                           sliding_window, q_stride);                                               \
    }                                                                                                               \
    KERNEL_REGISTER(paged_attention_prefill_##suffix)

PAGED_ATTENTION_PREFILL_ENTRY(f32_f32, float, float)
PAGED_ATTENTION_PREFILL_ENTRY(f32_bf16, float, __nv_bfloat16)
PAGED_ATTENTION_PREFILL_ENTRY(f16_f16, __half, __half)
PAGED_ATTENTION_PREFILL_ENTRY(bf16_bf16, __nv_bfloat16, __nv_bfloat16)
