// Elementwise ops the forward pass needs between the GEMMs: the residual add, the bias add of a projection
// (Qwen2's q/k/v biases), and the cast of fp32 activations to fp16/bf16 so cuBLAS can multiply them with
// half-precision weights (accumulating in fp32). Grid-stride loops: any grid covers any length.
#include "common/dtype.cuh"

// a += b over n elements.
extern "C" __global__ void __launch_bounds__(1024) add_f32(float* a, const float* b, long long n) {
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) a[i] += b[i];
}
KERNEL_REGISTER(add_f32)

// y[r, c] += bias[c]: one block row per grid.y, columns strided over grid.x.
extern "C" __global__ void __launch_bounds__(1024) add_bias_f32(float* y, const float* bias, int cols) {
    float* row = y + static_cast<long long>(blockIdx.y) * cols;
    for (int c = blockIdx.x * blockDim.x + threadIdx.x; c < cols; c += gridDim.x * blockDim.x) row[c] += bias[c];
}
KERNEL_REGISTER(add_bias_f32)

// out = round_to_nearest_even(in) in the storage type.
template <typename T>
__device__ void convert_from_f32(T* __restrict__ out, const float* __restrict__ in, long long n) {
    const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
    for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) out[i] = from_float<T>(in[i]);
}

#define CONVERT_ENTRY(suffix, T)                                                                                 \
    extern "C" __global__ void __launch_bounds__(1024) convert_f32_to_##suffix(T* out, const float* in, long long n) { \
        convert_from_f32<T>(out, in, n);                                                                         \
    }                                                                                                            \
    KERNEL_REGISTER(convert_f32_to_##suffix)

CONVERT_ENTRY(f16, __half)
CONVERT_ENTRY(bf16, __nv_bfloat16)
