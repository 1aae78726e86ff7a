// Small kernels that pin down the emulation's semantics (barriers, warp ops, atomics, indices) in tests, plus a
// deliberately broken one (a needed barrier removed) that the ThreadSanitizer build must catch.
// They are built into the emulation library only, not into the fatbin.
#include "../cuda_compat.cuh"

// Reverses each block's slice through shared memory: the barrier between the write and the read makes it correct.
extern "C" __global__ void test_block_reverse(float* out, const float* in) {
    __shared__ float s[1024];
    const unsigned t = threadIdx.x, n = blockDim.x;
    const long long base = static_cast<long long>(blockIdx.x) * n;
    s[t] = in[base + t];
    __syncthreads();
    out[base + t] = s[n - 1 - t];
}
KERNEL_REGISTER(test_block_reverse)

// The same with the barrier removed: a data race on shared memory.
extern "C" __global__ void test_block_reverse_no_barrier(float* out, const float* in) {
    __shared__ float s[1024];
    const unsigned t = threadIdx.x, n = blockDim.x;
    const long long base = static_cast<long long>(blockIdx.x) * n;
    s[t] = in[base + t];
    out[base + t] = s[n - 1 - t];
}
KERNEL_REGISTER(test_block_reverse_no_barrier)

// Rounds of neighbour sums through shared memory: each round writes, syncs, reads a neighbour's slot, and syncs again
// before the next round overwrites the slots.
extern "C" __global__ void test_rounds(float* out, const float* in) {
    __shared__ float s[1024];
    const unsigned t = threadIdx.x, n = blockDim.x;
    const long long base = static_cast<long long>(blockIdx.x) * n;
    float acc = in[base + t];
    for (int round = 0; round < 3; round++) {
        s[t] = acc;
        __syncthreads();
        acc += s[(t + 1) % n];
        __syncthreads();
    }
    out[base + t] = acc;
}
KERNEL_REGISTER(test_rounds)

// The same without the trailing barrier: a thread overwrites its slot for the next round while a neighbour may
// still read this round's value (write after read across loop iterations, as in a K/V tile loop).
extern "C" __global__ void test_rounds_no_trailing_barrier(float* out, const float* in) {
    __shared__ float s[1024];
    const unsigned t = threadIdx.x, n = blockDim.x;
    const long long base = static_cast<long long>(blockIdx.x) * n;
    float acc = in[base + t];
    for (int round = 0; round < 3; round++) {
        s[t] = acc;
        __syncthreads();
        acc += s[(t + 1) % n];
    }
    out[base + t] = acc;
}
KERNEL_REGISTER(test_rounds_no_trailing_barrier)

// Odd threads leave before a barrier the even ones wait at: must be reported, not hang.
extern "C" __global__ void test_divergent_barrier(float* out) {
    if (threadIdx.x % 2 != 0) return;
    __syncthreads();
    out[threadIdx.x] = 1.0f;
}
KERNEL_REGISTER(test_divergent_barrier)

// Per thread t (lane = t % 32), 6 results: shfl to lane+3, xor 5, down 2, up 7, down 1 within 8-lane segments, ballot(lane % 3 == 0).
extern "C" __global__ void test_warp_ops(int* out) {
    const unsigned t = threadIdx.x + blockIdx.x * blockDim.x, lane = threadIdx.x % 32;
    const int v = static_cast<int>(t) * 7 + 1;
    int* o = out + 6 * static_cast<long long>(t);
    o[0] = __shfl_sync(0xffffffffu, v, static_cast<int>((lane + 3) % 32));
    o[1] = __shfl_xor_sync(0xffffffffu, v, 5);
    o[2] = __shfl_down_sync(0xffffffffu, v, 2);
    o[3] = __shfl_up_sync(0xffffffffu, v, 7);
    o[4] = __shfl_down_sync(0xffffffffu, v, 1, 8);
    o[5] = static_cast<int>(__ballot_sync(0xffffffffu, lane % 3 == 0));
}
KERNEL_REGISTER(test_warp_ops)

// Every thread of every block adds one: blocks run on several worker threads, so the atomic must hold.
extern "C" __global__ void test_atomic_count(unsigned* counter) { atomicAdd(counter, 1u); }
KERNEL_REGISTER(test_atomic_count)

// Writes each thread's (threadIdx, blockIdx) at its linear global index, for 3-D grids and blocks.
extern "C" __global__ void test_indices(int* out) {
    const long long block = blockIdx.x + gridDim.x * (blockIdx.y + static_cast<long long>(gridDim.y) * blockIdx.z);
    const long long thread = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
    int* o = out + 6 * (block * blockDim.x * blockDim.y * blockDim.z + thread);
    o[0] = static_cast<int>(threadIdx.x); o[1] = static_cast<int>(threadIdx.y); o[2] = static_cast<int>(threadIdx.z);
    o[3] = static_cast<int>(blockIdx.x); o[4] = static_cast<int>(blockIdx.y); o[5] = static_cast<int>(blockIdx.z);
}
KERNEL_REGISTER(test_indices)

// Philox4x32-10 on given counters and keys (4 + 2 words per thread), for known-answer tests of common/philox.cuh.
#include "../common/philox.cuh"
extern "C" __global__ void test_philox(unsigned* out, const unsigned* in) {
    const unsigned* c = in + 6 * threadIdx.x;
    const philox_u32x4 r = philox4x32_10(philox_u32x4{c[0], c[1], c[2], c[3]}, c[4], c[5]);
    unsigned* o = out + 4 * threadIdx.x;
    o[0] = r.x;
    o[1] = r.y;
    o[2] = r.z;
    o[3] = r.w;
}
KERNEL_REGISTER(test_philox)

// Each thread writes one float of dynamic shared memory: launched with less than blockDim.x floats of it, the last
// threads write past the launch's allocation (a GPU would fault or corrupt); the emulation must report it.
extern "C" __global__ void test_dynamic_shared_fill(float* out) {
    KDYN_SHARED(float, s);
    s[threadIdx.x] = static_cast<float>(threadIdx.x);
    __syncthreads();
    out[blockIdx.x * blockDim.x + threadIdx.x] = s[blockDim.x - 1 - threadIdx.x];
}
KERNEL_REGISTER(test_dynamic_shared_fill)
