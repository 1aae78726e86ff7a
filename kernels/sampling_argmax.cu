// Greedy decoding: the id of the largest logit of each row (ties to the lowest id). One block per row; only the id
// returns to the host.
#include "common/argmax.cuh"

extern "C" __global__ void __launch_bounds__(1024) argmax_f32(int* __restrict__ tokens, const float* __restrict__ logits, int vocab) {
    __shared__ float scratch_v[32];
    __shared__ int scratch_i[32];
    const float* row = logits + static_cast<long long>(blockIdx.x) * vocab;
    float best_v = -INFINITY;
    int best_i = 0x7fffffff;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x)
        if (argmax_better(row[i], i, best_v, best_i)) {
            best_v = row[i];
            best_i = i;
        }
    const int token = block_argmax(best_v, best_i, scratch_v, scratch_i);
    if (threadIdx.x == 0) tokens[blockIdx.x] = token;
}
KERNEL_REGISTER(argmax_f32)
