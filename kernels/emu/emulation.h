// CPU emulation of the CUDA device environment, for kernels compiled by g++/clang++ instead of nvcc.
// Every CUDA thread of a block is a fiber on one worker OS thread; a worker runs one block at a time, so
// `static thread_local` is exactly one copy of __shared__ per running block. Fibers switch only at barriers
// (__syncthreads, __syncwarp, shuffles, votes), which the scheduler in runtime.cpp resolves.
#pragma once

#include <vector_types.h>
#include <cuda_fp16.h>
#include <cuda_bf16.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

// The toolkit headers define these for the host compiler; redefine them for emulation after including them.
#undef __global__
#undef __device__
#undef __host__
#undef __shared__
#undef __forceinline__
#undef __launch_bounds__
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline __attribute__((always_inline))
#define __shared__ static thread_local
#define __launch_bounds__(...)

// uint3 is POD: no TLS init wrapper on every access (dim3 would need one).
extern thread_local uint3 threadIdx;
extern thread_local uint3 blockIdx;
extern thread_local uint3 blockDim;
extern thread_local uint3 gridDim;
constexpr int warpSize = 32;

namespace kemu {
/// Dynamic shared memory of the running block (the launch's sharedMemBytes, 16-byte aligned).
unsigned char* dynamic_shared();
/// Block-wide barrier: returns when every thread of the block has arrived.
void sync_block();
/// Warp barrier that also exchanges one 64-bit value per lane; returns the 32 published values.
const std::uint64_t* warp_exchange(unsigned mask, std::uint64_t value);
/// Lane of the calling thread within its warp.
unsigned lane_id();

/// Registration of an extern "C" kernel so that kemu_launch_kernel finds it by name.
using Thunk = void (*)(void* fn, void** params);
void register_kernel(const char* name, void* fn, Thunk thunk);

template <typename... A>
struct Registrar {
    explicit Registrar(const char* name, void (*fn)(A...)) {
        register_kernel(name, reinterpret_cast<void*>(fn), &call);
    }
    // cuLaunchKernel's convention: params[i] points at the value of argument i.
    static void call(void* fn, void** params) { call(fn, params, std::index_sequence_for<A...>{}); }
    template <std::size_t... I>
    static void call(void* fn, void** params, std::index_sequence<I...>) {
        reinterpret_cast<void (*)(A...)>(fn)(*static_cast<std::remove_reference_t<A>*>(params[I])...);
    }
};

template <typename T>
std::uint64_t to_bits(T v) {
    static_assert(sizeof(T) <= 8 && std::is_trivially_copyable_v<T>, "shuffles move values of up to 8 bytes");
    std::uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof(T));
    return bits;
}

template <typename T>
T from_bits(std::uint64_t bits) {
    T v;
    std::memcpy(&v, &bits, sizeof(T));
    return v;
}

// Source lane of a shuffle within segments of `width` lanes; out-of-segment sources read the own value.
inline unsigned segment_base(unsigned lane, int width) { return lane & ~static_cast<unsigned>(width - 1); }
}  // namespace kemu

#define KDYN_SHARED(T, name) T* name = reinterpret_cast<T*>(kemu::dynamic_shared())
#define KERNEL_REGISTER(name) static const kemu::Registrar kemu_registrar_##name(#name, &name);

inline void __syncthreads() { kemu::sync_block(); }
inline void __syncwarp(unsigned mask = 0xffffffffu) { kemu::warp_exchange(mask, 0); }

template <typename T>
T __shfl_sync(unsigned mask, T v, int src, int width = warpSize) {
    unsigned lane = kemu::lane_id();
    const std::uint64_t* all = kemu::warp_exchange(mask, kemu::to_bits(v));
    return kemu::from_bits<T>(all[kemu::segment_base(lane, width) + (static_cast<unsigned>(src) & (width - 1))]);
}

template <typename T>
T __shfl_xor_sync(unsigned mask, T v, int lane_mask, int width = warpSize) {
    unsigned lane = kemu::lane_id(), src = lane ^ static_cast<unsigned>(lane_mask);
    const std::uint64_t* all = kemu::warp_exchange(mask, kemu::to_bits(v));
    return src >= kemu::segment_base(lane, width) + width ? v : kemu::from_bits<T>(all[src]);
}

template <typename T>
T __shfl_down_sync(unsigned mask, T v, unsigned delta, int width = warpSize) {
    unsigned lane = kemu::lane_id(), src = lane + delta;
    const std::uint64_t* all = kemu::warp_exchange(mask, kemu::to_bits(v));
    return src >= kemu::segment_base(lane, width) + width ? v : kemu::from_bits<T>(all[src]);
}

template <typename T>
T __shfl_up_sync(unsigned mask, T v, unsigned delta, int width = warpSize) {
    unsigned lane = kemu::lane_id();
    const std::uint64_t* all = kemu::warp_exchange(mask, kemu::to_bits(v));
    return lane < kemu::segment_base(lane, width) + delta ? v : kemu::from_bits<T>(all[lane - delta]);
}

inline unsigned __ballot_sync(unsigned mask, int predicate) {
    const std::uint64_t* all = kemu::warp_exchange(mask, predicate != 0);
    unsigned bits = 0;
    for (unsigned i = 0; i < 32; i++) bits |= static_cast<unsigned>(all[i] != 0) << i;
    return bits & mask;
}
inline int __any_sync(unsigned mask, int predicate) { return __ballot_sync(mask, predicate) != 0; }
inline int __all_sync(unsigned mask, int predicate) { return __ballot_sync(mask, predicate) == mask; }

// Atomics matter between blocks, which run on different worker threads.
template <typename T>
T atomicAdd(T* address, T v) { return std::atomic_ref<T>(*address).fetch_add(v); }
template <typename T>
T atomicExch(T* address, T v) { return std::atomic_ref<T>(*address).exchange(v); }
template <typename T>
T atomicCAS(T* address, T expected, T desired) {
    std::atomic_ref<T>(*address).compare_exchange_strong(expected, desired);
    return expected;
}
template <typename T>
T atomicMax(T* address, T v) {
    std::atomic_ref<T> a(*address);
    T old = a.load();
    while (old < v && !a.compare_exchange_weak(old, v)) {}
    return old;
}
template <typename T>
T atomicMin(T* address, T v) {
    std::atomic_ref<T> a(*address);
    T old = a.load();
    while (v < old && !a.compare_exchange_weak(old, v)) {}
    return old;
}

// Device math intrinsics. The GPU's fast versions are a few ulp off; tests use tolerances that allow it.
inline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }
inline float __expf(float x) { return std::exp(x); }
inline float __logf(float x) { return std::log(x); }
inline float __fdividef(float a, float b) { return a / b; }
inline float __frcp_rn(float x) { return 1.0f / x; }
inline float __saturatef(float x) { return x < 0.0f ? 0.0f : (x > 1.0f ? 1.0f : x); }
// Bit casts between float and its 32-bit pattern (the GPU's are free register reinterpretations).
inline unsigned __float_as_uint(float x) {
    unsigned u;
    std::memcpy(&u, &x, sizeof(u));
    return u;
}
inline float __uint_as_float(unsigned u) {
    float x;
    std::memcpy(&x, &u, sizeof(x));
    return x;
}
template <typename T>
T __ldg(const T* p) { return *p; }
inline void __threadfence() { std::atomic_thread_fence(std::memory_order_seq_cst); }
