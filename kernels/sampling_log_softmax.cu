// Log-probabilities of the raw model distribution for logprobs: logit - log Σ exp(logits), per row. Writes the
// whole row when `out` is non-null, and the log-probability of tokens[r] into token_logprobs[r] when those are
// non-null, so a request that only wants its sampled token's logprob moves one float to the host.
#include "common/dtype.cuh"
#include "common/reduce.cuh"

extern "C" __global__ void __launch_bounds__(1024) log_softmax_f32(float* __restrict__ out, float* __restrict__ token_logprobs,
                                                                   const int* __restrict__ tokens,
                                                                   const float* __restrict__ logits, int vocab) {
    __shared__ float scratch[32];
    const long long base = static_cast<long long>(blockIdx.x) * vocab;
    float local_max = -INFINITY;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) local_max = fmaxf(local_max, logits[base + i]);
    const float max_logit = block_max(local_max, scratch);
    float local_sum = 0.0f;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) local_sum += expf(logits[base + i] - max_logit);
    const float log_z = max_logit + logf(block_sum(local_sum, scratch));
    if (out != nullptr)
        for (int i = threadIdx.x; i < vocab; i += blockDim.x) out[base + i] = logits[base + i] - log_z;
    if (token_logprobs != nullptr && threadIdx.x == 0) token_logprobs[blockIdx.x] = logits[base + tokens[blockIdx.x]] - log_z;
}
KERNEL_REGISTER(log_softmax_f32)
