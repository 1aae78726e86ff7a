// Storage types of activations and the KV cache (fp32, fp16, bf16): loads widen to float, stores round to
// nearest even. All arithmetic in kernels is float.
#pragma once
#include "../cuda_compat.cuh"

__device__ __forceinline__ float to_float(float v) { return v; }
__device__ __forceinline__ float to_float(__half v) { return __half2float(v); }
__device__ __forceinline__ float to_float(__nv_bfloat16 v) { return __bfloat162float(v); }

template <typename T>
__device__ __forceinline__ T from_float(float v);
template <>
__device__ __forceinline__ float from_float<float>(float v) { return v; }
template <>
__device__ __forceinline__ __half from_float<__half>(float v) { return __float2half_rn(v); }
template <>
__device__ __forceinline__ __nv_bfloat16 from_float<__nv_bfloat16>(float v) { return __float2bfloat16_rn(v); }

template <typename T>
__device__ __forceinline__ T kmin(T a, T b) { return b < a ? b : a; }
template <typename T>
__device__ __forceinline__ T kmax(T a, T b) { return a < b ? b : a; }
