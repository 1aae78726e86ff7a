// GELU-and-mul of the MLP with the tanh approximation (Gemma's gelu_pytorch_tanh): out = gelu(gate) * up,
// gelu(g) = g/2 · (1 + tanh(√(2/π) · (g + 0.044715 g³))).
#include "common/act_and_mul.cuh"

#define GELU_TANH_MUL_ENTRY(suffix, T)                                                                          \
    extern "C" __global__ void __launch_bounds__(1024) gelu_tanh_mul_##suffix(                                 \
        T* out, const T* gate, const T* up, int inter, int out_stride, int gate_stride, int up_stride) {       \
        act_and_mul(out, gate, up, inter, out_stride, gate_stride, up_stride, [](float g) {                    \
            return 0.5f * g * (1.0f + tanhf(0.7978845608f * (g + 0.044715f * g * g * g)));                     \
        });                                                                                                     \
    }                                                                                                           \
    KERNEL_REGISTER(gelu_tanh_mul_##suffix)

GELU_TANH_MUL_ENTRY(f32, float)
GELU_TANH_MUL_ENTRY(f16, __half)
GELU_TANH_MUL_ENTRY(bf16, __nv_bfloat16)
