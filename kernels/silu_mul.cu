// SiLU-and-mul of the MLP: out[r, i] = silu(gate[r, i]) * up[r, i]. Row strides let gate and up be the two
// halves of one fused gate_up projection (stride 2 * inter) or separate buffers. Grid: (row chunks, rows).
#include "common/dtype.cuh"

template <typename T>
__device__ void silu_mul(T* __restrict__ out, const T* __restrict__ gate, const T* __restrict__ up, int inter,
                         int out_stride, int gate_stride, int up_stride) {
    const long long row = blockIdx.y;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < inter; i += gridDim.x * blockDim.x) {
        const float g = to_float(gate[row * gate_stride + i]);
        out[row * out_stride + i] = from_float<T>(g / (1.0f + expf(-g)) * to_float(up[row * up_stride + i]));
    }
}

#define SILU_MUL_ENTRY(suffix, T)                                                                               \
    extern "C" __global__ void __launch_bounds__(1024) silu_mul_##suffix(T* out, const T* gate, const T* up, int inter, \
                                                                        int out_stride, int gate_stride, int up_stride) { \
        silu_mul<T>(out, gate, up, inter, out_stride, gate_stride, up_stride);                                  \
    }                                                                                                           \
    KERNEL_REGISTER(silu_mul_##suffix)

SILU_MUL_ENTRY(f32, float)
SILU_MUL_ENTRY(f16, __half)
SILU_MUL_ENTRY(bf16, __nv_bfloat16)
