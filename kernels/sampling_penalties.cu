// Repetition, presence and frequency penalties on fp32 logits in place, with the CPU sampler's meaning: first the
// HF repetition penalty on every token seen in the prompt or the output (positive logits divided, negative
// multiplied), then the OpenAI penalties on output tokens: logit -= presence + frequency * count.
// Per row, CSR lists: seen ids [seen_starts[r], seen_starts[r+1]) (prompt set ∪ output tokens, each id once, so no
// two threads touch one logit) and output (id, count) pairs [out_starts[r], out_starts[r+1]). Ids outside the
// vocabulary are skipped. One block per row.
#include "common/dtype.cuh"

extern "C" __global__ void __launch_bounds__(1024) apply_penalties_f32(
    float* __restrict__ logits, int vocab, const float* __restrict__ repetition, const float* __restrict__ presence,
    const float* __restrict__ frequency, const int* __restrict__ seen_starts, const int* __restrict__ seen_ids,
    const int* __restrict__ out_starts, const int* __restrict__ out_ids, const int* __restrict__ out_counts) {
    const int r = blockIdx.x;
    float* row = logits + static_cast<long long>(r) * vocab;
    const float rp = repetition[r];
    if (rp != 1.0f)
        for (int j = seen_starts[r] + threadIdx.x; j < seen_starts[r + 1]; j += blockDim.x) {
            const int id = seen_ids[j];
            if (id < 0 || id >= vocab) continue;
            const float l = row[id];
            row[id] = l > 0.0f ? l / rp : l * rp;
        }
    __syncthreads();  // an output token's repetition penalty comes before its presence/frequency penalty
    const float pres = presence[r], freq = frequency[r];
    for (int j = out_starts[r] + threadIdx.x; j < out_starts[r + 1]; j += blockDim.x) {
        const int id = out_ids[j];
        if (id >= 0 && id < vocab) row[id] -= pres + freq * static_cast<float>(out_counts[j]);
    }
}
KERNEL_REGISTER(apply_penalties_f32)
