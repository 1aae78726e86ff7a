// Scheduler of the CPU emulation: runs the blocks of a launch on worker threads, and the CUDA threads of a block
// as fibers that switch only at barriers. Errors (unknown kernel, bad shape, a barrier not every thread reaches)
// come back as CUDA error codes with a message; nothing here aborts the host process.
#include "../cuda_compat.cuh"
#include "fiber.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#if defined(__SANITIZE_THREAD__)
#define KEMU_TSAN 1
extern "C" {
void* __tsan_get_current_fiber();
void* __tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void* fiber);
void __tsan_switch_to_fiber(void* fiber, unsigned flags);
void __tsan_acquire(void* addr);
void __tsan_release(void* addr);
}
#define KEMU_NO_TSAN __attribute__((no_sanitize_thread))
#else
#define KEMU_TSAN 0
#define KEMU_NO_TSAN
#endif

thread_local uint3 threadIdx;
thread_local uint3 blockIdx;
thread_local uint3 blockDim;
thread_local uint3 gridDim;

namespace kemu {
namespace {

// CUresult values the launch path reports (same numbers as cuda.h, so C# maps both backends alike).
constexpr int kSuccess = 0, kInvalidValue = 1, kOutOfMemory = 2, kNotFound = 500, kLaunchFailed = 719;
constexpr std::size_t kStackBytes = 64 * 1024;
constexpr unsigned kMaxThreads = 1024;
constexpr std::size_t kMaxDynamicShared = 227 * 1024;  // H100's opt-in limit per block

enum class State : unsigned char { Runnable, BlockWait, WarpWait, Done };

struct Kernel {
    std::string name;
    void* fn;
    Thunk thunk;
};

std::vector<Kernel>& registry() {
    static std::vector<Kernel> kernels;
    return kernels;
}

// Canary bytes after each block's dynamic shared memory, to catch writes past what the launch asked for.
constexpr std::size_t kSharedGuard = 256;
constexpr unsigned char kGuardByte = 0xA5;

struct Launch {
    const Kernel* kernel;
    void** params;
    uint3 grid, block;
    std::size_t shared_bytes;
    std::atomic<unsigned> next_block{0};
    std::atomic<bool> failed{false};
    std::mutex error_mutex;
    std::string error;
};

struct Fiber {
    FiberStack stack;
    uint3 tid;
    State state = State::Done;
    unsigned warp_mask = 0;
    unsigned parity = 0;  // which of the warp's two exchange buffers the next warp op uses
#if KEMU_TSAN
    void* tsan = nullptr;
    unsigned barrier_parity = 0;  // which of the block's two barrier sync objects the next __syncthreads uses
#endif
};

// One worker OS thread's state: the fibers of the block it runs and the block's shared exchange slots.
struct Worker {
    std::vector<Fiber> fibers;
    std::vector<std::uint64_t> exchange;  // [warp][parity][lane]
    std::vector<unsigned char> dynamic_shared;
    void* scheduler_sp = nullptr;
    Fiber* current = nullptr;
    Launch* launch = nullptr;
    unsigned char* dynamic_shared_aligned = nullptr;
#if KEMU_TSAN
    void* tsan_scheduler = nullptr;
    // Sync objects alternate by barrier generation (block) and exchange parity (warp): with one object, a fiber
    // resuming from barrier g would also acquire what faster fibers released at barrier g + 1, hiding races
    // between one phase's reads and the next phase's writes. No fiber gets two generations ahead, so two suffice.
    char block_start = 0, block_end = 0, block_barriers[2] = {0, 0};
    std::vector<char> warp_barriers;  // [warp][parity]
#endif

    ~Worker() {
        for (auto& f : fibers) {
            free_stack(f.stack);
#if KEMU_TSAN
            if (f.tsan != nullptr) __tsan_destroy_fiber(f.tsan);
#endif
        }
    }
};

thread_local Worker* t_worker = nullptr;
thread_local std::string t_last_error;

std::mutex g_pool_mutex;
std::vector<std::unique_ptr<Worker>> g_pool;  // reused across launches: stacks are mmap'd once

std::unique_ptr<Worker> take_worker() {
    std::lock_guard lock(g_pool_mutex);
    if (g_pool.empty()) return std::make_unique<Worker>();
    auto w = std::move(g_pool.back());
    g_pool.pop_back();
    return w;
}

void return_worker(std::unique_ptr<Worker> w) {
    std::lock_guard lock(g_pool_mutex);
    g_pool.push_back(std::move(w));
}

void fail(Launch& launch, const std::string& message) {
    std::lock_guard lock(launch.error_mutex);
    if (!launch.failed.exchange(true)) launch.error = message;
}

std::string where(const Launch& launch, const Fiber& f) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s block (%u,%u,%u) thread (%u,%u,%u)", launch.kernel->name.c_str(), blockIdx.x,
                  blockIdx.y, blockIdx.z, f.tid.x, f.tid.y, f.tid.z);
    return buf;
}

extern "C" __attribute__((used, noreturn)) KEMU_NO_TSAN void kemu_fiber_entry() {
    Worker* w = t_worker;
#if KEMU_TSAN
    __tsan_acquire(&w->block_start);
#endif
    w->launch->kernel->thunk(w->launch->kernel->fn, w->launch->params);
    w = t_worker;
    w->current->state = State::Done;
#if KEMU_TSAN
    __tsan_release(&w->block_end);
    __tsan_switch_to_fiber(w->tsan_scheduler, 1);
#endif
    switch_fiber(&w->current->stack.sp, w->scheduler_sp);
    __builtin_unreachable();
}

// Switches from a fiber back to its worker's scheduler (a fiber gives up the CPU only here).
KEMU_NO_TSAN void yield_to_scheduler(Worker* w) {
#if KEMU_TSAN
    __tsan_switch_to_fiber(w->tsan_scheduler, 1);
#endif
    switch_fiber(&w->current->stack.sp, w->scheduler_sp);
}

KEMU_NO_TSAN void resume(Worker* w, Fiber& f) {
    w->current = &f;
    threadIdx = f.tid;
    f.state = State::Runnable;
#if KEMU_TSAN
    __tsan_switch_to_fiber(f.tsan, 1);  // no sync: ordering comes only from barriers (release/acquire)
#endif
    switch_fiber(&w->scheduler_sp, f.stack.sp);
}

KEMU_NO_TSAN bool prepare_worker(Worker& w, Launch& launch, unsigned threads) {
    while (w.fibers.size() < threads) {
        Fiber f;
        if (!allocate_stack(f.stack, kStackBytes)) return false;
#if KEMU_TSAN
        f.tsan = __tsan_create_fiber(0);
#endif
        w.fibers.push_back(f);
    }
    unsigned warps = (threads + 31) / 32;
    w.exchange.assign(std::size_t{warps} * 64, 0);
    if (w.dynamic_shared.size() < launch.shared_bytes + 16 + kSharedGuard) w.dynamic_shared.resize(launch.shared_bytes + 16 + kSharedGuard);
    auto addr = reinterpret_cast<std::uintptr_t>(w.dynamic_shared.data());
    w.dynamic_shared_aligned = reinterpret_cast<unsigned char*>((addr + 15) & ~std::uintptr_t{15});
    w.launch = &launch;
#if KEMU_TSAN
    w.tsan_scheduler = __tsan_get_current_fiber();
    w.warp_barriers.assign(std::size_t{warps} * 2, 0);
#endif
    return true;
}

// Releases warp `warp` when all its live lanes wait at the same warp op with a mask naming exactly them.
// Returns false (and fails the launch) on a divergent or partial-mask warp op.
KEMU_NO_TSAN bool release_warp(Worker& w, unsigned first, unsigned count, bool& released) {
    released = false;
    unsigned waiting = 0, mask = 0, lanes = count == 32 ? 0xffffffffu : ((1u << count) - 1);
    for (unsigned i = 0; i < count; i++) {
        const Fiber& f = w.fibers[first + i];
        if (f.state == State::WarpWait) {
            waiting++;
            mask = f.warp_mask;
        }
    }
    if (waiting == 0) return true;
    for (unsigned i = 0; i < count; i++) {
        const Fiber& f = w.fibers[first + i];
        if (f.state != State::WarpWait || f.warp_mask != lanes) {
            fail(*w.launch, "warp op not reached by every lane with a full mask (mask 0x" + [&] {
                char b[16];
                std::snprintf(b, sizeof b, "%08x", mask);
                return std::string(b);
            }() + ") at " + where(*w.launch, f));
            return false;
        }
    }
    for (unsigned i = 0; i < count; i++) w.fibers[first + i].state = State::Runnable;
    released = true;
    return true;
}

// Runs one block to completion: warps run until every lane waits or is done (warp ops release at once, which
// keeps a warp's reduction hot in cache); then a block barrier releases when all live threads wait at it.
KEMU_NO_TSAN bool run_block(Worker& w, unsigned threads) {
    const uint3 bd = w.launch->block;
    for (unsigned i = 0; i < threads; i++) {
        Fiber& f = w.fibers[i];
        f.tid = uint3{i % bd.x, (i / bd.x) % bd.y, i / (bd.x * bd.y)};
        f.state = State::Runnable;
        f.parity = 0;
#if KEMU_TSAN
        f.barrier_parity = 0;
#endif
        prepare_fiber(f.stack, &kemu_fiber_entry);
    }
#if KEMU_TSAN
    __tsan_release(&w.block_start);
#endif
    for (;;) {
        for (unsigned first = 0; first < threads; first += 32) {
            unsigned count = std::min(32u, threads - first);
            for (bool again = true; again;) {
                for (unsigned i = 0; i < count; i++) {
                    Fiber& f = w.fibers[first + i];
                    if (f.state == State::Runnable) resume(&w, f);
                }
                if (!release_warp(w, first, count, again)) return false;
            }
        }
        unsigned done = 0, waiting = 0;
        const Fiber* exited = nullptr;
        for (unsigned i = 0; i < threads; i++) {
            if (w.fibers[i].state == State::Done) {
                done++;
                if (exited == nullptr) exited = &w.fibers[i];
            } else if (w.fibers[i].state == State::BlockWait) {
                waiting++;
            }
        }
        if (done == threads) break;
        if (waiting + done != threads || done != 0) {
            const Fiber* stuck = nullptr;
            for (unsigned i = 0; i < threads && stuck == nullptr; i++)
                if (w.fibers[i].state == State::BlockWait) stuck = &w.fibers[i];
            fail(*w.launch, "__syncthreads not reached by every thread: " + where(*w.launch, *stuck) + " waits while " +
                                (exited != nullptr ? where(*w.launch, *exited) + " has exited" : std::string("others wait elsewhere")));
            return false;
        }
        for (unsigned i = 0; i < threads; i++) w.fibers[i].state = State::Runnable;
    }
#if KEMU_TSAN
    __tsan_acquire(&w.block_end);
#endif
    return true;
}

KEMU_NO_TSAN void run_worker(Launch& launch, std::unique_ptr<Worker> w) {
    t_worker = w.get();
    const unsigned threads = launch.block.x * launch.block.y * launch.block.z;
    const unsigned blocks = launch.grid.x * launch.grid.y * launch.grid.z;
    if (!prepare_worker(*w, launch, threads)) {
        fail(launch, "out of host memory for fiber stacks");
    } else {
        blockDim = launch.block;
        gridDim = launch.grid;
        unsigned char* guard = w->dynamic_shared_aligned + launch.shared_bytes;
        for (unsigned b; !launch.failed.load(std::memory_order_relaxed) && (b = launch.next_block++) < blocks;) {
            blockIdx = uint3{b % launch.grid.x, (b / launch.grid.x) % launch.grid.y, b / (launch.grid.x * launch.grid.y)};
            std::memset(guard, kGuardByte, kSharedGuard);
            if (!run_block(*w, threads)) break;
            // On a GPU a write past the launch's dynamic shared memory faults or corrupts a neighbour; here the bytes
            // right after it are a canary checked after every block.
            if (std::any_of(guard, guard + kSharedGuard, [](unsigned char c) { return c != kGuardByte; })) {
                char buf[200];
                std::snprintf(buf, sizeof buf, "%s block (%u,%u,%u) wrote past its %zu bytes of dynamic shared memory",
                              launch.kernel->name.c_str(), blockIdx.x, blockIdx.y, blockIdx.z, launch.shared_bytes);
                fail(launch, buf);
                break;
            }
        }
    }
    t_worker = nullptr;
    return_worker(std::move(w));
}

int set_error(int code, const std::string& message) {
    t_last_error = message;
    return code;
}

std::mutex g_launch_mutex;  // one launch at a time, as on one stream

}  // namespace

unsigned char* dynamic_shared() { return t_worker->dynamic_shared_aligned; }

unsigned lane_id() {
    const uint3 t = threadIdx, b = blockDim;
    return (t.x + b.x * (t.y + b.y * t.z)) & 31u;
}

KEMU_NO_TSAN void sync_block() {
    Worker* w = t_worker;
#if KEMU_TSAN
    char* sync = &w->block_barriers[w->current->barrier_parity];
    w->current->barrier_parity ^= 1;
    __tsan_release(sync);
#endif
    w->current->state = State::BlockWait;
    yield_to_scheduler(w);
#if KEMU_TSAN
    __tsan_acquire(sync);
#endif
}

KEMU_NO_TSAN const std::uint64_t* warp_exchange(unsigned mask, std::uint64_t value) {
    Worker* w = t_worker;
    Fiber* f = w->current;
    const unsigned index = static_cast<unsigned>(f - w->fibers.data());
    const unsigned warp = index / 32, lane = index % 32;
    // Double-buffered: a lane cannot reach the op after next before every lane has read this op's slots.
    std::uint64_t* slots = w->exchange.data() + (std::size_t{warp} * 2 + f->parity) * 32;
#if KEMU_TSAN
    char* sync = &w->warp_barriers[std::size_t{warp} * 2 + f->parity];
#endif
    f->parity ^= 1;
    slots[lane] = value;
    f->warp_mask = mask;
    f->state = State::WarpWait;
#if KEMU_TSAN
    __tsan_release(sync);
#endif
    yield_to_scheduler(w);
#if KEMU_TSAN
    __tsan_acquire(sync);
#endif
    return slots;
}

void register_kernel(const char* name, void* fn, Thunk thunk) { registry().push_back(Kernel{name, fn, thunk}); }

}  // namespace kemu

extern "C" {

/// Launches a registered kernel with cuLaunchKernel's shape and waits for it; returns a CUresult value.
__attribute__((visibility("default"))) int kemu_launch_kernel(const char* name, unsigned gx, unsigned gy, unsigned gz,
                                                              unsigned bx, unsigned by, unsigned bz,
                                                              unsigned shared_bytes, void** params) {
    using namespace kemu;
    const auto& kernels = registry();
    auto it = std::find_if(kernels.begin(), kernels.end(), [&](const Kernel& k) { return k.name == name; });
    if (it == kernels.end()) return set_error(kNotFound, std::string("no kernel named ") + name);
    const unsigned long long threads = 1ull * bx * by * bz;
    if (gx == 0 || gy == 0 || gz == 0 || threads == 0 || threads > kMaxThreads || gy > 65535 || gz > 65535)
        return set_error(kInvalidValue, "invalid launch shape for " + it->name);
    if (shared_bytes > kMaxDynamicShared) return set_error(kInvalidValue, "too much dynamic shared memory for " + it->name);

    std::lock_guard lock(g_launch_mutex);
    Launch launch;
    launch.kernel = &*it;
    launch.params = params;
    launch.grid = uint3{gx, gy, gz};
    launch.block = uint3{bx, by, bz};
    launch.shared_bytes = shared_bytes;
    const unsigned long long blocks = 1ull * gx * gy * gz;
    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    const unsigned workers = static_cast<unsigned>(std::min<unsigned long long>(blocks, hw));
    std::vector<std::thread> helpers;
    for (unsigned i = 1; i < workers; i++) helpers.emplace_back(run_worker, std::ref(launch), take_worker());
    run_worker(launch, take_worker());
    for (auto& t : helpers) t.join();
    if (launch.failed) return set_error(launch.error.find("out of host memory") == 0 ? kOutOfMemory : kLaunchFailed, launch.error);
    t_last_error.clear();
    return kSuccess;
}

/// The message of the calling thread's last failed launch ("" after a success).
__attribute__((visibility("default"))) const char* kemu_last_error() { return kemu::t_last_error.c_str(); }

/// Number of registered kernels, and their names, so tests can compare with the fatbin.
__attribute__((visibility("default"))) int kemu_kernel_count() { return static_cast<int>(kemu::registry().size()); }
__attribute__((visibility("default"))) const char* kemu_kernel_name(int i) {
    const auto& kernels = kemu::registry();
    return i >= 0 && static_cast<std::size_t>(i) < kernels.size() ? kernels[static_cast<std::size_t>(i)].name.c_str() : nullptr;
}
}
