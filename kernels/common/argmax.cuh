// Block-wide argmax over (value, index) pairs: the largest value, ties to the lowest index (as the CPU sampler's
// IndexOfMax). Every thread of the block must call it; blockDim.x a multiple of 32.
#pragma once
#include "../cuda_compat.cuh"

__device__ __forceinline__ bool argmax_better(float v, int i, float best_v, int best_i) {
    return v > best_v || (v == best_v && i < best_i);
}

__device__ __forceinline__ void warp_argmax(float& v, int& i) {
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) {
        const float ov = __shfl_xor_sync(0xffffffffu, v, offset);
        const int oi = __shfl_xor_sync(0xffffffffu, i, offset);
        if (argmax_better(ov, oi, v, i)) {
            v = ov;
            i = oi;
        }
    }
}

// Returns the winning index to every thread; `scratch_v` and `scratch_i` hold 32 entries of shared memory each.
__device__ __forceinline__ int block_argmax(float v, int i, float* scratch_v, int* scratch_i) {
    const unsigned lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
    warp_argmax(v, i);
    __syncthreads();  // lets callers reuse the scratch for consecutive calls
    if (lane == 0) {
        scratch_v[warp] = v;
        scratch_i[warp] = i;
    }
    __syncthreads();
    v = lane < warps ? scratch_v[lane] : -INFINITY;
    i = lane < warps ? scratch_i[lane] : 0x7fffffff;
    warp_argmax(v, i);
    return i;
}
