// Minimal fibers for the emulation: each CUDA thread of a block runs on its own small stack and gives the
// worker thread back only at barriers. x86-64 uses a hand-written switch (glibc swapcontext makes a syscall per
// switch, 8-10x slower). x86-64 only for now.
#pragma once

#include <cstddef>

namespace kemu {

/// A fiber's stack (mmap'd, with a guard page below it) and its saved stack pointer.
struct FiberStack {
    void* base = nullptr;   // lowest usable byte, just above the guard page
    std::size_t size = 0;
    void* sp = nullptr;     // saved context while switched out
};

/// Allocates a stack of `size` bytes (plus a guard page); false when out of memory.
bool allocate_stack(FiberStack& stack, std::size_t size);
void free_stack(FiberStack& stack);

/// Prepares `stack` so that switching to it calls `entry()` (which must never return) on a fresh frame.
void prepare_fiber(FiberStack& stack, void (*entry)());

/// Saves the current context into *from_sp and resumes the one saved in to_sp.
void switch_fiber(void** from_sp, void* to_sp);

}  // namespace kemu
