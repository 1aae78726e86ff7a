// Multi-LoRA deltas without merging adapters into the base weights (Punica / S-LoRA): y += scaling · (x·Aᵀ)·B for
// each row with its own adapter slot. Two steps, each as BGMV (decode: every row its own slot, -1 = none) and SGMV
// (prefill: segments of consecutive rows sharing one slot, each weight load reused across SGMV_ROWS rows):
//   shrink: t[row, r] = scaling[slot] · A[slot, r, :] · x[row, :]   (fp32 t [rows, max_rank])
//   expand: y[row, :] += Σ_r t[row, r] · Bᵀ[slot, r, :]            (y rounded back to its storage type)
// Adapter slots are stacked: A [slots, max_rank, in], Bᵀ [slots, max_rank, out] in the activation type, with the
// slot's own rank (≤ 64) and scaling in int/float arrays; ranks past a slot's rank are never read.
#include "common/dtype.cuh"
#include "common/reduce.cuh"

constexpr int LORA_MAX_RANK = 64;
constexpr int SGMV_ROWS = 8;

// One warp per rank r (blockIdx.z picks a chunk of warps' ranks); lanes split the input features; each A element
// loaded once for up to ROWS rows.
template <typename T, int ROWS>
__device__ __forceinline__ void lora_shrink(float* __restrict__ t, const T* __restrict__ x, const T* __restrict__ a,
                                            const int* __restrict__ ranks, const float* __restrict__ scalings, int slot,
                                            int row0, int rows, int in_features, int max_rank) {
    const int warps = blockDim.x / 32, lane = threadIdx.x % 32;
    const int r = blockIdx.z * warps + threadIdx.x / 32;
    if (r >= ranks[slot]) return;  // whole warps leave; only warp shuffles follow
    const T* a_row = a + (static_cast<long long>(slot) * max_rank + r) * in_features;
    float acc[ROWS] = {};
    for (int i = lane; i < in_features; i += 32) {
        const float av = to_float(a_row[i]);
#pragma unroll
        for (int j = 0; j < ROWS; j++)
            if (j < rows) acc[j] += av * to_float(x[static_cast<long long>(row0 + j) * in_features + i]);
    }
    const float scaling = scalings[slot];
#pragma unroll
    for (int j = 0; j < ROWS; j++) {
        const float sum = warp_sum(acc[j]);
        if (lane == 0 && j < rows) t[static_cast<long long>(row0 + j) * max_rank + r] = sum * scaling;
    }
}

// One thread per output feature (blockIdx.z picks the chunk); the rows' t values sit in shared memory and each Bᵀ
// element is loaded once for up to ROWS rows.
template <typename T, int ROWS>
__device__ __forceinline__ void lora_expand(T* __restrict__ y, const float* __restrict__ t, const T* __restrict__ bt,
                                            const int* __restrict__ ranks, int slot, int row0, int rows, int out_features,
                                            int max_rank) {
    __shared__ float t_s[ROWS * LORA_MAX_RANK];
    const int rank = ranks[slot];
    for (int i = threadIdx.x; i < ROWS * rank; i += blockDim.x) {
        const int j = i / rank, r = i % rank;
        t_s[j * LORA_MAX_RANK + r] = j < rows ? t[static_cast<long long>(row0 + j) * max_rank + r] : 0.0f;
    }
    __syncthreads();
    const int o = blockIdx.z * blockDim.x + threadIdx.x;
    if (o >= out_features) return;
    float acc[ROWS] = {};
    for (int r = 0; r < rank; r++) {
        const float b = to_float(bt[(static_cast<long long>(slot) * max_rank + r) * out_features + o]);
#pragma unroll
        for (int j = 0; j < ROWS; j++) acc[j] += t_s[j * LORA_MAX_RANK + r] * b;
    }
#pragma unroll
    for (int j = 0; j < ROWS; j++)
        if (j < rows) {
            T* yp = y + static_cast<long long>(row0 + j) * out_features + o;
            *yp = from_float<T>(to_float(*yp) + acc[j]);
        }
}

// BGMV: blockIdx.x is the row, its slot from row_slots. SGMV: blockIdx.x the segment [seg_starts[s], seg_starts[s+1])
// with slot seg_slots[s], blockIdx.y its tile of SGMV_ROWS rows. Rows or segments with slot < 0 return at once.
#define LORA_ENTRIES(suffix, T)                                                                                       \
    extern "C" __global__ void __launch_bounds__(256) bgmv_shrink_##suffix(                                          \
        float* t, const T* x, const T* a, const int* ranks, const float* scalings, const int* row_slots,               \
        int in_features, int max_rank) {                                                                              \
        const int slot = row_slots[blockIdx.x];                                                                       \
        if (slot < 0) return;                                                                                         \
        lora_shrink<T, 1>(t, x, a, ranks, scalings, slot, blockIdx.x, 1, in_features, max_rank);                      \
    }                                                                                                                 \
    KERNEL_REGISTER(bgmv_shrink_##suffix)                                                                             \
    extern "C" __global__ void __launch_bounds__(256) bgmv_expand_##suffix(                                          \
        T* y, const float* t, const T* bt, const int* ranks, const int* row_slots, int out_features, int max_rank) {   \
        const int slot = row_slots[blockIdx.x];                                                                       \
        if (slot < 0) return;                                                                                         \
        lora_expand<T, 1>(y, t, bt, ranks, slot, blockIdx.x, 1, out_features, max_rank);                              \
    }                                                                                                                 \
    KERNEL_REGISTER(bgmv_expand_##suffix)                                                                             \
    extern "C" __global__ void __launch_bounds__(256) sgmv_shrink_##suffix(                                          \
        float* t, const T* x, const T* a, const int* ranks, const float* scalings, const int* seg_starts,              \
        const int* seg_slots, int in_features, int max_rank) {                                                        \
        const int slot = seg_slots[blockIdx.x], row0 = seg_starts[blockIdx.x] + blockIdx.y * SGMV_ROWS;              \
        const int rows = kmin(SGMV_ROWS, seg_starts[blockIdx.x + 1] - row0);                                         \
        if (slot < 0 || rows <= 0) return;                                                                            \
        lora_shrink<T, SGMV_ROWS>(t, x, a, ranks, scalings, slot, row0, rows, in_features, max_rank);                 \
    }                                                                                                                 \
    KERNEL_REGISTER(sgmv_shrink_##suffix)                                                                             \
    extern "C" __global__ void __launch_bounds__(256) sgmv_expand_##suffix(                                          \
        T* y, const float* t, const T* bt, const int* ranks, const int* seg_starts, const int* seg_slots,              \
        int out_features, int max_rank) {                                                                             \
        const int slot = seg_slots[blockIdx.x], row0 = seg_starts[blockIdx.x] + blockIdx.y * SGMV_ROWS;              \
        const int rows = kmin(SGMV_ROWS, seg_starts[blockIdx.x + 1] - row0);                                         \
        if (slot < 0 || rows <= 0) return;                                                                            \
        lora_expand<T, SGMV_ROWS>(y, t, bt, ranks, slot, row0, rows, out_features, max_rank);                         \
    }                                                                                                                 \
    KERNEL_REGISTER(sgmv_expand_##suffix)

LORA_ENTRIES(f32, float)
LORA_ENTRIES(f16, __half)
LORA_ENTRIES(bf16, __nv_bfloat16)
