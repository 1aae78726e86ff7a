// Stochastic sampling of one token per row of fp32 logits, with the CPU sampler's filters in its order: temperature,
// top-k, min-p (relative to the most likely token), top-p (smallest set of most likely tokens holding top_p of the
// remaining mass), then a draw from what is left, proportional to the probabilities. Rows whose temperature is below
// 1e-5 are greedy (argmax), as SamplingParams.IsGreedy. One block per row; only the id returns to the host.
// Thresholds are found by bisection over the float bit patterns (32 block reductions each: exact, no sorting; ties
// at the threshold are all kept, where the CPU's selection keeps an arbitrary subset). The draw is an exponential
// race: the kept token maximising log p_i − log(−log u_i), u_i uniform from Philox keyed by the row's seed and counted
// by (token id, step), picks i with probability p_i / Σ p (the Gumbel-max trick), with one reduction and no prefix sum.
#include "common/argmax.cuh"
#include "common/dtype.cuh"
#include "common/philox.cuh"
#include "common/reduce.cuh"

// Orders floats as unsigned integers: a < b exactly when sample_key(a) < sample_key(b) (NaN excepted).
__device__ __forceinline__ unsigned sample_key(float f) {
    const unsigned bits = __float_as_uint(f);
    return (bits & 0x80000000u) != 0 ? ~bits : bits | 0x80000000u;
}

// The largest key t with weight(t) >= target, where weight(t) = Σ over this thread's entries of `weight_of(i, t)`
// summed over the block (weight_of is non-increasing in t). Every thread calls it and gets the same t.
template <typename WeightOf>
__device__ __forceinline__ unsigned bisect_key(int vocab, float target, float* scratch, WeightOf weight_of) {
    unsigned lo = 0u, hi = 0xffffffffu;
    while (lo < hi) {
        const unsigned mid = lo + static_cast<unsigned>((static_cast<unsigned long long>(hi) - lo + 1) / 2);
        float local = 0.0f;
        for (int i = threadIdx.x; i < vocab; i += blockDim.x) local += weight_of(i, mid);
        if (block_sum(local, scratch) >= target) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}

extern "C" __global__ void __launch_bounds__(1024) sample_f32(int* __restrict__ tokens, const float* __restrict__ logits, int vocab,
                                                              const float* __restrict__ temperature, const int* __restrict__ top_k,
                                                              const float* __restrict__ top_p, const float* __restrict__ min_p,
                                                              const unsigned long long* __restrict__ seeds,
                                                              const unsigned long long* __restrict__ steps) {
    __shared__ float scratch[32];
    __shared__ float scratch_v[32];
    __shared__ int scratch_i[32];
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
        ? bisect_key(vocab, static_cast<float>(k), scratch,
                     [=](int i, unsigned key) { return sample_key(row[i] * inv_t) >= key ? 1.0f : 0.0f; })
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
    if (tp < 1.0f) {
        float local_total = 0.0f;
        for (int i = threadIdx.x; i < vocab; i += blockDim.x) local_total += prob(i);
        const float total = block_sum(local_total, scratch);
        p_key = bisect_key(vocab, tp * total, scratch, [=](int i, unsigned key) {
            const float e = prob(i);
            return e > 0.0f && sample_key(e) >= key ? e : 0.0f;
        });
    }

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
