// KV write (vLLM's reshape_and_cache) into our paged layout: V [block, kv_head, slot, dim] and K transposed
// [block, kv_head, dim, slot], as KvCacheLayout describes. One CUDA block per token; slots < 0 are padding.
#include "common/dtype.cuh"

template <typename TIn, typename TCache>
__device__ void kv_write(TCache* __restrict__ k_cache, TCache* __restrict__ v_cache, const TIn* __restrict__ key,
                         const TIn* __restrict__ value, const int* __restrict__ slot_mapping, int key_stride,
                         int value_stride, int kv_heads, int head_dim, int block_size) {
    const long long token = blockIdx.x;
    const long long slot = slot_mapping[token];
    if (slot < 0) return;  // the whole block leaves together: no barrier below
    const long long block = slot / block_size, offset = slot % block_size;
    const int n = kv_heads * head_dim;
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        const int head = i / head_dim, d = i % head_dim;
        const long long head_run = (block * kv_heads + head) * block_size * head_dim;
        v_cache[head_run + offset * head_dim + d] = from_float<TCache>(to_float(value[token * value_stride + i]));
        k_cache[head_run + static_cast<long long>(d) * block_size + offset] = from_float<TCache>(to_float(key[token * key_stride + i]));
    }
}

#define KV_WRITE_ENTRY(suffix, TIn, TCache)                                                                          \
    extern "C" __global__ void __launch_bounds__(1024)                                                             \
        kv_write_##suffix(TCache* k_cache, TCache* v_cache, const TIn* key, const TIn* value, const int* slot_mapping, \
                          int key_stride, int value_stride, int kv_heads, int head_dim, int block_size) {            \
        kv_write<TIn, TCache>(k_cache, v_cache, key, value, slot_mapping, key_stride, value_stride, kv_heads,      \
                              head_dim, block_size);                                                                 \
    }                                                                                                                \
    KERNEL_REGISTER(kv_write_##suffix)

KV_WRITE_ENTRY(f32_f32, float, float)
KV_WRITE_ENTRY(f32_bf16, float, __nv_bfloat16)
KV_WRITE_ENTRY(f16_f16, __half, __half)
KV_WRITE_ENTRY(bf16_bf16, __nv_bfloat16, __nv_bfloat16)
