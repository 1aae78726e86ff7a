// RMSNorm over rows (one CUDA block per row), and the fused residual add + RMSNorm of a decoder layer:
// residual += x (rounded to the storage type, as the model computes it), then x = rmsnorm(residual) * weight;
// and the per-head RMSNorm of q and k (Qwen3).
#include "common/dtype.cuh"
#include "common/reduce.cuh"

// One row: out = in / rms(in) * weight. `out` may alias `in`: each thread rewrites only elements it read itself.
template <typename T>
__device__ __forceinline__ void rms_norm_row(T* out, const T* in, const T* __restrict__ weight, float eps, int dim, float* scratch) {
    float squares = 0.0f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
        const float x = to_float(in[i]);
        squares += x * x;
    }
    const float scale = rsqrtf(block_sum(squares, scratch) / static_cast<float>(dim) + eps);
    for (int i = threadIdx.x; i < dim; i += blockDim.x) out[i] = from_float<T>(to_float(in[i]) * scale * to_float(weight[i]));
}

template <typename T>
__device__ void rms_norm(T* __restrict__ out, const T* __restrict__ in, const T* __restrict__ weight, float eps, int dim) {
    __shared__ float scratch[32];
    const long long row = static_cast<long long>(blockIdx.x) * dim;
    rms_norm_row(out + row, in + row, weight, eps, dim, scratch);
}

// Qwen3's q/k norm: RMSNorm over each head of each token, in place, one block per (head, token). Rows have their
// own stride, so q and k can be normalised inside the fused qkv projection output.
template <typename T>
__device__ void head_rms_norm(T* x, const T* __restrict__ weight, float eps, int head_dim, int row_stride) {
    __shared__ float scratch[32];
    T* head = x + static_cast<long long>(blockIdx.y) * row_stride + static_cast<long long>(blockIdx.x) * head_dim;
    rms_norm_row(head, head, weight, eps, head_dim, scratch);
}

template <typename T>
__device__ void add_rms_norm(T* __restrict__ x, T* __restrict__ residual, const T* __restrict__ weight, float eps, int dim) {
    __shared__ float scratch[32];
    const long long row = static_cast<long long>(blockIdx.x) * dim;
    float squares = 0.0f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
        const T sum = from_float<T>(to_float(x[row + i]) + to_float(residual[row + i]));
        residual[row + i] = sum;
        const float s = to_float(sum);
        squares += s * s;
    }
    const float scale = rsqrtf(block_sum(squares, scratch) / static_cast<float>(dim) + eps);
    // Each thread reads back only the residual elements it wrote itself: no barrier needed.
    for (int i = threadIdx.x; i < dim; i += blockDim.x)
        x[row + i] = from_float<T>(to_float(residual[row + i]) * scale * to_float(weight[i]));
}

#define RMS_NORM_ENTRY(suffix, T)                                                                                 \
    extern "C" __global__ void __launch_bounds__(1024)                                                          \
        rms_norm_##suffix(T* out, const T* in, const T* weight, float eps, int dim) {                           \
        rms_norm<T>(out, in, weight, eps, dim);                                                                   \
    }                                                                                                             \
    KERNEL_REGISTER(rms_norm_##suffix)                                                                            \
    extern "C" __global__ void __launch_bounds__(1024)                                                          \
        add_rms_norm_##suffix(T* x, T* residual, const T* weight, float eps, int dim) {                         \
        add_rms_norm<T>(x, residual, weight, eps, dim);                                                           \
    }                                                                                                             \
    KERNEL_REGISTER(add_rms_norm_##suffix)                                                                        \
    extern "C" __global__ void __launch_bounds__(1024)                                                          \
        head_rms_norm_##suffix(T* x, const T* weight, float eps, int head_dim, int row_stride) {                \
        head_rms_norm<T>(x, weight, eps, head_dim, row_stride);                                                   \
    }                                                                                                             \
    KERNEL_REGISTER(head_rms_norm_##suffix)

RMS_NORM_ENTRY(f32, float)
RMS_NORM_ENTRY(f16, __half)
RMS_NORM_ENTRY(bf16, __nv_bfloat16)
