// The one header every kernel includes. Under nvcc it is the real CUDA; under a host C++ compiler it is the
// CPU emulation in emu/emulation.h, so the same kernel sources run in tests on machines without a GPU.
#pragma once

#if defined(__CUDACC__)
#include <cuda_runtime.h>
#include <cuda_fp16.h>
#include <cuda_bf16.h>

// Dynamic shared memory as a typed pointer (the launch's sharedMemBytes), 16-byte aligned for vector loads.
#define KDYN_SHARED(T, name)                                      \
    extern __shared__ __align__(16) unsigned char kdyn_smem_[];   \
    T* name = reinterpret_cast<T*>(kdyn_smem_)

// Registers a kernel for launch by name in the emulation; nvcc finds extern "C" kernels by name itself.
#define KERNEL_REGISTER(name)
#else
#include "emu/emulation.h"
#endif
