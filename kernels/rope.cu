// Rotary embedding in place on q and k by position, with cos/sin read from the host's RopeTable
// ([max_positions, rotary_dim / 2] floats each, Llama 3 scaling already in its frequencies). NeoX layout rotates
// pairs (i, i + rotary_dim/2); GPT-J layout rotates (2i, 2i + 1). Dimensions past rotary_dim are untouched.
#include "common/dtype.cuh"

template <typename T>
__device__ __forceinline__ void rotate_pair(T* head, int i, int rotary_dim, bool neox, float c, float s) {
    const int a = neox ? i : 2 * i, b = neox ? i + rotary_dim / 2 : 2 * i + 1;
    const float x0 = to_float(head[a]), x1 = to_float(head[b]);
    head[a] = from_float<T>(x0 * c - x1 * s);
    head[b] = from_float<T>(x1 * c + x0 * s);
}

// One CUDA block per token; threads stride over (head, pair) of q, then of k.
template <typename T>
__device__ void rope(T* __restrict__ q, T* __restrict__ k, const int* __restrict__ positions, const float* __restrict__ cos_table,
                     const float* __restrict__ sin_table, int q_heads, int kv_heads, int head_dim, int rotary_dim,
                     int q_stride, int k_stride, int neox) {
    const long long token = blockIdx.x;
    const int half = rotary_dim / 2;
    const float* cos_row = cos_table + static_cast<long long>(positions[token]) * half;
    const float* sin_row = sin_table + static_cast<long long>(positions[token]) * half;
    for (int j = threadIdx.x; j < q_heads * half; j += blockDim.x) {
        const int head = j / half, i = j % half;
        rotate_pair(q + token * q_stride + head * head_dim, i, rotary_dim, neox != 0, cos_row[i], sin_row[i]);
    }
    for (int j = threadIdx.x; j < kv_heads * half; j += blockDim.x) {
        const int head = j / half, i = j % half;
        rotate_pair(k + token * k_stride + head * head_dim, i, rotary_dim, neox != 0, cos_row[i], sin_row[i]);
    }
}

#define ROPE_ENTRY(suffix, T)                                                                                      \
    extern "C" __global__ void __launch_bounds__(1024)                                                           \
        rope_##suffix(T* q, T* k, const int* positions, const float* cos_table, const float* sin_table, int q_heads, \
                      int kv_heads, int head_dim, int rotary_dim, int q_stride, int k_stride, int neox) {          \
        rope<T>(q, k, positions, cos_table, sin_table, q_heads, kv_heads, head_dim, rotary_dim, q_stride, k_stride, neox); \
    }                                                                                                              \
    KERNEL_REGISTER(rope_##suffix)

ROPE_ENTRY(f32, float)
ROPE_ENTRY(f16, __half)
ROPE_ENTRY(bf16, __nv_bfloat16)
