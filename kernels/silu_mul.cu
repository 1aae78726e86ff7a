// SiLU-and-mul of the MLP (Llama, Mistral, Qwen): out = silu(gate) * up, silu(g) = g / (1 + e^-g).
#include "common/act_and_mul.cuh"

#define SILU_MUL_ENTRY(suffix, T)                                                                               \
    extern "C" __global__ void __launch_bounds__(1024) silu_mul_##suffix(T* out, const T* gate, const T* up, int inter, \
                                                                        int out_stride, int gate_stride, int up_stride) { \
        act_and_mul(out, gate, up, inter, out_stride, gate_stride, up_stride,                                  \
                    [](float g) { return g / (1.0f + expf(-g)); });                                              \
    }                                                                                                           \
    KERNEL_REGISTER(silu_mul_##suffix)

SILU_MUL_ENTRY(f32, float)
SILU_MUL_ENTRY(f16, __half)
SILU_MUL_ENTRY(bf16, __nv_bfloat16)
