// Log-probabilities of the raw model distribution for logprobs: logit - log Σ exp(logits), per row. Optional
// outputs, each skipped when its pointer is null: the whole row; the log-probability of tokens[r]; the top_n most
// likely ids and their log-probabilities (value descending, ties to the lower id), so a request moves at most
// top_n + 1 pairs to the host instead of a vocabulary-wide row.
#include "common/argmax.cuh"
#include "common/dtype.cuh"
#include "common/reduce.cuh"

extern "C" __global__ void __launch_bounds__(1024) log_softmax_f32(float* __restrict__ out, float* __restrict__ token_logprobs,
                                                                   const int* __restrict__ tokens, int* __restrict__ top_ids,
                                                                   float* __restrict__ top_logprobs, int top_n,
                                                                   const float* __restrict__ logits, int vocab) {
    __shared__ float scratch[32];
    __shared__ float scratch_v[32];
    __shared__ int scratch_i[32];
    const long long base = static_cast<long long>(blockIdx.x) * vocab;
    const float* row = logits + base;
    float local_max = -INFINITY;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) local_max = fmaxf(local_max, row[i]);
    const float max_logit = block_max(local_max, scratch);
    float local_sum = 0.0f;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) local_sum += expf(row[i] - max_logit);
    const float log_z = max_logit + logf(block_sum(local_sum, scratch));
    if (out != nullptr)
        for (int i = threadIdx.x; i < vocab; i += blockDim.x) out[base + i] = row[i] - log_z;
    if (token_logprobs != nullptr && threadIdx.x == 0) token_logprobs[blockIdx.x] = row[tokens[blockIdx.x]] - log_z;

    // Top-n by repeated argmax over the entries ordered after the previous pick (value descending, id ascending):
    // top_n ≤ 20 passes over the row, no marks to store. A vocabulary smaller than top_n pads with id -1, -inf.
    float prev_v = INFINITY;
    int prev_i = -1;
    const int picks = kmin(top_n, vocab);
    for (int n = picks; n < top_n; n++)
        if (threadIdx.x == 0) {
            top_ids[static_cast<long long>(blockIdx.x) * top_n + n] = -1;
            top_logprobs[static_cast<long long>(blockIdx.x) * top_n + n] = -INFINITY;
        }
    for (int n = 0; n < picks; n++) {
        float best_v = -INFINITY;
        int best_i = 0x7fffffff;
        for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
            const float v = row[i];
            const bool after = v < prev_v || (v == prev_v && i > prev_i);
            if (after && argmax_better(v, i, best_v, best_i)) {
                best_v = v;
                best_i = i;
            }
        }
        prev_i = block_argmax(best_v, best_i, scratch_v, scratch_i);
        prev_v = row[prev_i];
        if (threadIdx.x == 0) {
            top_ids[static_cast<long long>(blockIdx.x) * top_n + n] = prev_i;
            top_logprobs[static_cast<long long>(blockIdx.x) * top_n + n] = prev_v - log_z;
        }
    }
}
KERNEL_REGISTER(log_softmax_f32)
