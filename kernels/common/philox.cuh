// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3"; the generator cuRAND and PyTorch use):
// a counter-based generator, so every (seed, counter) gives its numbers directly, with no state to carry between
// launches. Sampling keys it with the request's seed and counts with (vocabulary index, step), so a request draws the
// same tokens whatever batch it runs in.
#pragma once
#include "../cuda_compat.cuh"

struct philox_u32x4 {
    unsigned x, y, z, w;
};

__device__ __forceinline__ philox_u32x4 philox4x32_10(philox_u32x4 c, unsigned k0, unsigned k1) {
    constexpr unsigned M0 = 0xD2511F53u, M1 = 0xCD9E8D57u, W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
#pragma unroll
    for (int round = 0; round < 10; round++) {
        const unsigned long long p0 = static_cast<unsigned long long>(M0) * c.x;
        const unsigned long long p1 = static_cast<unsigned long long>(M1) * c.z;
        const unsigned hi0 = static_cast<unsigned>(p0 >> 32), lo0 = static_cast<unsigned>(p0);
        const unsigned hi1 = static_cast<unsigned>(p1 >> 32), lo1 = static_cast<unsigned>(p1);
        c = philox_u32x4{hi1 ^ c.y ^ k0, lo1, hi0 ^ c.w ^ k1, lo0};
        k0 += W0;
        k1 += W1;
    }
    return c;
}

// A uniform float in the open interval (0, 1) from 24 random bits: never 0 or 1, so its logarithm is finite.
__device__ __forceinline__ float philox_uniform(unsigned long long seed, unsigned long long step, unsigned index) {
    const philox_u32x4 r = philox4x32_10(
        philox_u32x4{index, static_cast<unsigned>(step), static_cast<unsigned>(step >> 32), 0u},
        static_cast<unsigned>(seed), static_cast<unsigned>(seed >> 32));
    return (static_cast<float>(r.x >> 8) + 0.5f) * (1.0f / 16777216.0f);
}
