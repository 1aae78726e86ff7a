#include "fiber.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

namespace kemu {

bool allocate_stack(FiberStack& stack, std::size_t size) {
    const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    void* mem = mmap(nullptr, size + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED) return false;
    mprotect(mem, page, PROT_NONE);  // stack overflow faults instead of corrupting the neighbour
    stack.base = static_cast<char*>(mem) + page;
    stack.size = size;
    return true;
}

void free_stack(FiberStack& stack) {
    if (stack.base == nullptr) return;
    const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    munmap(static_cast<char*>(stack.base) - page, stack.size + page);
    stack.base = nullptr;
}

}  // namespace kemu

#if defined(__x86_64__)
// Saves callee-saved registers, MXCSR and the x87 control word (the SysV ABI says they survive calls),
// stores the stack pointer, then restores the other context in reverse order.
asm(R"(
    .text
    .globl kemu_switch_fiber_asm
    .type kemu_switch_fiber_asm,@function
kemu_switch_fiber_asm:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size kemu_switch_fiber_asm,.-kemu_switch_fiber_asm
    .section .note.GNU-stack,"",@progbits
    .text
)");

extern "C" void kemu_switch_fiber_asm(void** from_sp, void* to_sp);

namespace kemu {

void prepare_fiber(FiberStack& stack, void (*entry)()) {
    // Frame popped by the switch, from low to high addresses: [mxcsr|fcw] r15 r14 r13 r12 rbx rbp ret.
    // After `ret` into entry, rsp = top - 8, which is what a call leaves (rsp + 8 aligned to 16).
    auto* top = reinterpret_cast<std::uint64_t*>((reinterpret_cast<std::uintptr_t>(stack.base) + stack.size) & ~std::uintptr_t{15});
    std::uint64_t* sp = top;
    *--sp = 0;                                          // fake return address of entry
    *--sp = reinterpret_cast<std::uint64_t>(entry);     // popped by ret
    for (int i = 0; i < 6; i++) *--sp = 0;              // rbp rbx r12 r13 r14 r15
    *--sp = 0x1F80u | (std::uint64_t{0x037Fu} << 32);   // default MXCSR and x87 control word
    stack.sp = sp;
}

void switch_fiber(void** from_sp, void* to_sp) { kemu_switch_fiber_asm(from_sp, to_sp); }

}  // namespace kemu
#else
#error "the emulation's fiber switch is written for x86-64 only"
#endif
