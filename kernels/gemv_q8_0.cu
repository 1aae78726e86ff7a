// Decode GEMV on GGUF Q8_0 weights: y[r, o] = Σ_i x[r, i] · w[o, i] (+ bias[o]) for a few activation rows, reading
// the quantized weights directly (34 bytes per 32 weights: an fp16 scale, then 32 int8), so a quantized model never
// has its weights dequantized in memory. Activations stay in their storage type, widened to float: unlike the CPU
// backend (and llama.cpp) they are not quantized to int8, so results are closer to the float product.
// One warp per output feature, GEMV_Q8_ROWS activation rows per block sharing each weight load; eight lanes cover a
// 32-weight block (four bytes each), so a warp step reads four consecutive blocks (136 contiguous bytes).
// k must be a multiple of 32 (Q8_0 rows are whole blocks).
#include "common/dtype.cuh"
#include "common/reduce.cuh"

constexpr int GEMV_Q8_ROWS = 4;
constexpr int GEMV_Q8_BLOCK_BYTES = 34;

// fp16 bits to float without __half arithmetic (the scale is only 2-byte aligned inside a block).
__device__ __forceinline__ float q8_scale(const unsigned char* block) {
    __half_raw raw;
    raw.x = static_cast<unsigned short>(block[0] | (block[1] << 8));
    return __half2float(__half(raw));
}

template <typename T>
__device__ void gemv_q8_0(T* __restrict__ out, const T* __restrict__ x, const unsigned char* __restrict__ weight,
                          const T* __restrict__ bias, int rows, int n_out, int k) {
    const int warps = blockDim.x / 32, lane = threadIdx.x % 32;
    const int o = blockIdx.x * warps + threadIdx.x / 32;
    const int r0 = blockIdx.y * GEMV_Q8_ROWS;
    // Whole warps leave together, so the shuffles below always see all 32 lanes.
    if (o >= n_out) return;
    const int blocks = k / 32, sub = lane % 8;
    const unsigned char* w_row = weight + static_cast<long long>(o) * blocks * GEMV_Q8_BLOCK_BYTES;
    float acc[GEMV_Q8_ROWS] = {};
    for (int b = lane / 8; b < blocks; b += 4) {
        const unsigned char* block = w_row + static_cast<long long>(b) * GEMV_Q8_BLOCK_BYTES;
        const float scale = q8_scale(block);
        const signed char* qs = reinterpret_cast<const signed char*>(block + 2) + sub * 4;
        const int i0 = b * 32 + sub * 4;
#pragma unroll
        for (int r = 0; r < GEMV_Q8_ROWS; r++) {
            if (r0 + r >= rows) break;
            const T* xr = x + static_cast<long long>(r0 + r) * k + i0;
            float dot = 0.0f;
#pragma unroll
            for (int j = 0; j < 4; j++) dot += static_cast<float>(qs[j]) * to_float(xr[j]);
            acc[r] += scale * dot;
        }
    }
#pragma unroll
    for (int r = 0; r < GEMV_Q8_ROWS; r++) {
        const float sum = warp_sum(acc[r]);
        if (lane == 0 && r0 + r < rows)
            out[static_cast<long long>(r0 + r) * n_out + o] = from_float<T>(sum + (bias != nullptr ? to_float(bias[o]) : 0.0f));
    }
}

#define GEMV_Q8_0_ENTRY(suffix, T)                                                                                  \
    extern "C" __global__ void __launch_bounds__(1024) gemv_q8_0_##suffix(                                          \
        T* out, const T* x, const unsigned char* weight, const T* bias, int rows, int n_out, int k) {               \
        gemv_q8_0<T>(out, x, weight, bias, rows, n_out, k);                                                         \
    }                                                                                                               \
    KERNEL_REGISTER(gemv_q8_0_##suffix)

GEMV_Q8_0_ENTRY(f32, float)
GEMV_Q8_0_ENTRY(f16, __half)
GEMV_Q8_0_ENTRY(bf16, __nv_bfloat16)
