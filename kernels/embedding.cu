// Embedding gather (and GatherRows): out[i, :] = table[ids[i], :], one CUDA block per row. Ids outside
// [0, rows) give a zero row rather than an out-of-bounds read; the host validates ids before launching.
#include "common/dtype.cuh"

template <typename T>
__device__ void embedding(T* __restrict__ out, const T* __restrict__ table, const int* __restrict__ ids, int rows, int width) {
    const long long i = blockIdx.x;
    const int id = ids[i];
    const bool valid = id >= 0 && id < rows;
    const T* src = table + static_cast<long long>(valid ? id : 0) * width;
    for (int c = threadIdx.x; c < width; c += blockDim.x) out[i * width + c] = valid ? src[c] : from_float<T>(0.0f);
}

#define EMBEDDING_ENTRY(suffix, T)                                                                               \
    extern "C" __global__ void __launch_bounds__(1024)                                                           \
        embedding_##suffix(T* out, const T* table, const int* ids, int rows, int width) {                         \
        embedding<T>(out, table, ids, rows, width);                                                              \
    }                                                                                                            \
    KERNEL_REGISTER(embedding_##suffix)

EMBEDDING_ENTRY(f32, float)
EMBEDDING_ENTRY(f16, __half)
EMBEDDING_ENTRY(bf16, __nv_bfloat16)
