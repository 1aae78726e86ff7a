// Stochastic sampling of one token per row of fp32 logits, with the CPU sampler's filters in its order: temperature,
// top-k, min-p (relative to the most likely token), top-p (smallest set of most likely tokens holding top_p of the
// remaining mass), then a draw from what is left, proportional to the probabilities. Rows whose temperature is below
// 1e-5 are greedy (argmax), as SamplingParams.IsGreedy. One block per row; only the id returns to the host.
// Thresholds come from a radix select over the float bit patterns (4 histogram passes over the row each: exact and
// deterministic, no sorting; ties at the threshold are all kept, where the CPU's selection keeps an arbitrary subset). The draw is an exponential
// race: the kept token maximising log p_i − log(−log u_i), u_i uniform from Philox keyed by the row's seed and counted
// by (token id, step), picks i with probability p_i / Σ p (the Gumbel-max trick), with one reduction and no prefix sum.
#include "common/argmax.cuh"
#include "common/dtype.cuh"
#include "common/philox.cuh"
#include "common/reduce.cuh"

// __launch_bounds__(1024, 1) below: with a bare 1024 bound ptxas aims at two blocks per SM, 32 registers, and the
// radix select's 64-bit counters spilled; one 1024-thread block per SM (a row each) is plenty for sampling.

// Orders floats as unsigned integers: a < b exactly when sample_key(a) < sample_key(b) (NaN excepted).
__device__ __forceinline__ unsigned sample_key(float f) {
    const unsigned bits = __float_as_uint(f);
    return (bits & 0x80000000u) != 0 ? ~bits : bits | 0x80000000u;
}

// Radix select: the largest key t with W(t) >= target(total), where W(t) sums the weights of entries whose key is
// >= t and total is W(0). key_weight(i) gives entry i's key and integer weight (0 leaves it out): integers make the
// histogram sums exact whatever order the atomics land in, so the threshold is deterministic. Four passes over the
// row, one per 8-bit digit from the top, each narrowing the candidates to the keys sharing the digits chosen so far.
// Every thread calls it and gets the same t. `hist` is 256 counters of shared memory, `state` one.
struct key_weight_t {
    unsigned key;
    unsigned long long weight;
};

template <typename KeyWeight, typename Target>
__device__ __forceinline__ unsigned radix_select(int vocab, unsigned long long* hist, unsigned long long* state,
                                                 KeyWeight key_weight, Target target_of) {
    unsigned prefix = 0u;
    unsigned long long above = 0ull, target = 0ull;  // weight of keys known to lie above the prefix; thread 0 only
    for (int shift = 24; shift >= 0; shift -= 8) {
        for (int b = threadIdx.x; b < 256; b += blockDim.x) hist[b] = 0ull;
        __syncthreads();
        for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
            const key_weight_t kw = key_weight(i);
            if (kw.weight != 0ull && (shift == 24 || (kw.key >> (shift + 8)) == (prefix >> (shift + 8))))
                atomicAdd(&hist[(kw.key >> shift) & 255u], kw.weight);
        }
        __syncthreads();
        if (threadIdx.x == 0) {
            if (shift == 24) {
                unsigned long long total = 0ull;
                for (int b = 0; b < 256; b++) total += hist[b];
                target = target_of(total);
            }
            int digit = 0;
            for (int b = 255; b >= 0; b--) {
                if (above + hist[b] >= target) {
                    digit = b;
                    break;
                }
                above += hist[b];
            }
            state[0] = prefix | (static_cast<unsigned>(digit) << shift);
        }
        __syncthreads();
        prefix = static_cast<unsigned>(state[0]);
    }
    return prefix;
}

// Probabilities as integers for the top-p histogram: 2^24 per unit, rounded up so every kept token weighs at least 1.
__device__ __forceinline__ unsigned long long sample_mass(float e) { return static_cast<unsigned long long>(ceilf(e * 16777216.0f)); }

extern "C" __global__ void __launch_bounds__(1024, 1) sample_f32(int* __restrict__ tokens, const float* __restrict__ logits, int vocab,
                                                              const float* __restrict__ temperature, const int* __restrict__ top_k,
                                                              const float* __restrict__ top_p, const float* __restrict__ min_p,
                                                              const unsigned long long* __restrict__ seeds,
                                                              const unsigned long long* __restrict__ steps) {
    __shared__ float scratch[32];
    __shared__ float scratch_v[32];
    __shared__ int scratch_i[32];
    __shared__ unsigned long long hist[256];
    __shared__ unsigned long long state[1];
    const int r = blockIdx.x;
    const float* row = logits + static_cast<long long>(r) * vocab;
    const float t = temperature[r];
    if (t < 1e-5f) {  // the whole block takes the same branch
        float best_v = -INFINITY;
        int best_i = 0x7fffffff;
        for (int i = threadIdx.x; i < vocab; i += blockDim.x)
            if (argmax_better(row[i], i, best_v, best_i)) {
                best_v = row[i];
                best_i = i;
            }
        const int token = block_argmax(best_v, best_i, scratch_v, scratch_i);
        if (threadIdx.x == 0) tokens[r] = token;
        return;
    }
    const float inv_t = 1.0f / t;
    float local_max = -INFINITY;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) local_max = fmaxf(local_max, row[i] * inv_t);
    const float max_v = block_max(local_max, scratch);

    // Top-k: the k-th largest scaled logit's key; entries below it are out.
    const int k = top_k[r];
    const unsigned k_key = k > 0 && k < vocab
        ? radix_select(vocab, hist, state,
                       [=](int i) { return key_weight_t{sample_key(row[i] * inv_t), 1ull}; },
                       [=](unsigned long long) { return static_cast<unsigned long long>(k); })
        : 0u;
    // Probabilities relative to the most likely token (which gets exactly 1), 0 once filtered out by top-k or min-p.
    const float mp = min_p[r];
    auto prob = [=](int i) {
        const float v = row[i] * inv_t;
        if (sample_key(v) < k_key) return 0.0f;
        const float e = expf(v - max_v);
        return e >= mp ? e : 0.0f;
    };
    // Top-p: the smallest probability kept, i.e. the largest key whose kept mass still reaches top_p of the total.
    const float tp = top_p[r];
    unsigned p_key = 0u;
    if (tp < 1.0f)
        p_key = radix_select(vocab, hist, state,
                             [=](int i) {
                                 const float e = prob(i);
                                 return key_weight_t{sample_key(e), e > 0.0f ? sample_mass(e) : 0ull};
                             },
                             [=](unsigned long long total) {
                                 return static_cast<unsigned long long>(ceil(static_cast<double>(tp) * static_cast<double>(total)));
                             });

    const unsigned long long seed = seeds[r], step = steps[r];
    float best_v = -INFINITY;
    int best_i = 0x7fffffff;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
        const float e = prob(i);
        if (e <= 0.0f || sample_key(e) < p_key) continue;
        // log e_i - log E_i with E_i = -log u_i exponential: log e_i is (v_i - max) exactly, without the exp.
        const float score = (row[i] * inv_t - max_v) - logf(-logf(philox_uniform(seed, step, static_cast<unsigned>(i))));
        if (argmax_better(score, i, best_v, best_i)) {
            best_v = score;
            best_i = i;
        }
    }
    const int token = block_argmax(best_v, best_i, scratch_v, scratch_i);
    if (threadIdx.x == 0) tokens[r] = token;
}
KERNEL_REGISTER(sample_f32)
