// The gated MLP's activation-and-mul: out[r, i] = act(gate[r, i]) * up[r, i], shared by SiLU (Llama) and GELU-tanh
// (Gemma). Row strides let gate and up be the two halves of one fused gate_up projection (stride 2 * inter) or
// separate buffers. Grid: (row chunks, rows).
#pragma once
#include "dtype.cuh"

template <typename T, typename Act>
__device__ __forceinline__ void act_and_mul(T* __restrict__ out, const T* __restrict__ gate, const T* __restrict__ up, int inter,
                                            int out_stride, int gate_stride, int up_stride, Act act) {
    const long long row = blockIdx.y;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < inter; i += gridDim.x * blockDim.x)
        out[row * out_stride + i] = from_float<T>(act(to_float(gate[row * gate_stride + i])) * to_float(up[row * up_stride + i]));
}
