// One query head's attention over a run of positions of the paged KV cache, shared by the single-pass decode kernel
// (the run is the whole context) and the split-K partition kernel (the run is one partition). Keys are transposed
// per block ([dim, slot]), so threads taking consecutive positions read consecutive addresses.
// Shared memory (caller's): q_s [head_dim], partial [groups * head_dim], logits [len], scratch [32] floats, with
// groups = paged_attention_groups(head_dim).
#pragma once
#include "dtype.cuh"
#include "reduce.cuh"

// Sets of head_dim threads that split the positions when summing values (at least one).
__device__ __forceinline__ int paged_attention_groups(int head_dim) { return kmax(1, static_cast<int>(blockDim.x) / head_dim); }

// Every thread of the block calls this. Loads q (one head_dim row) into q_s, scores positions [first, first + len)
// scaled by `scale`, and calls store(d, acc, max_logit, sum) once per dimension d, where acc = Σ exp(s_j - max) v_j[d]
// and sum = Σ exp(s_j - max). len must be at least 1.
template <typename T, typename TCache, typename Store>
__device__ __forceinline__ void paged_attention_span(const T* __restrict__ q_row, const TCache* __restrict__ k_cache,
                                                     const TCache* __restrict__ v_cache, const int* __restrict__ table,
                                                     int kv_head, int kv_heads, int head_dim, int block_size, float scale,
                                                     int first, int len, float* q_s, float* partial, float* logits,
                                                     float* scratch, Store store) {
    const int tid = threadIdx.x;
    const long long head_run = static_cast<long long>(block_size) * head_dim;
    const int groups = paged_attention_groups(head_dim);
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
    const float sum = block_sum(local_sum, scratch);  // its barriers also publish the exponentials

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
    for (int d = tid; d < head_dim; d += blockDim.x) {
        float acc = 0.0f;
        for (int g = 0; g < groups; g++) acc += partial[g * head_dim + d];
        store(d, acc, max_logit, sum);
    }
}
