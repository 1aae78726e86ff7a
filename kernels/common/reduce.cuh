// Warp and block reductions over float. Every thread of the block must call the block versions (they contain
// barriers); blockDim.x must be a multiple of 32.
#pragma once
#include "../cuda_compat.cuh"

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, offset));
    return v;
}

// Reduces across warps through `scratch` (32 floats of shared memory); every thread gets the result.
// The leading barrier lets callers reuse the same scratch for consecutive reductions.
template <bool IsMax>
__device__ __forceinline__ float block_reduce(float v, float* scratch) {
    const unsigned lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
    v = IsMax ? warp_max(v) : warp_sum(v);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    float r = lane < warps ? scratch[lane] : (IsMax ? -INFINITY : 0.0f);
    return IsMax ? warp_max(r) : warp_sum(r);
}

__device__ __forceinline__ float block_sum(float v, float* scratch) { return block_reduce<false>(v, scratch); }
__device__ __forceinline__ float block_max(float v, float* scratch) { return block_reduce<true>(v, scratch); }
