#!/usr/bin/env bash
# Builds the CUDA kernels in kernels/ two ways from the same sources:
#   fatbin OUT [SOURCE]
#               nvcc: OUT/kernels.fatbin (sm_80, sm_86, sm_89, sm_90 cubins + compute_90 PTX) and OUT/ptxas.log from
#               SOURCE (default kernels/all_kernels.cu), every warning (ptxas spills and local memory too) an error.
#   emu OUT     g++: OUT/libkernels_emu.so, the CPU emulation the conformance tests launch kernels in.
#   tsan OUT    g++ -fsanitize=thread: OUT/libkernels_tsan.so, the emulation under ThreadSanitizer, and
#               OUT/tsan_launch, which runs one kernel of it (kernels/testing/tsan_launch.cpp).
# A missing compiler is not an error: OUT/<mode>.skipped then says why, and the tests that need it skip.
set -euo pipefail
mode=${1:?usage: build-kernels.sh fatbin|emu|tsan OUT_DIR}
out=${2:?usage: build-kernels.sh fatbin|emu|tsan OUT_DIR}
root="$(cd "$(dirname "$0")/.." && pwd)"
kernels="$root/kernels"
mkdir -p "$out"
rm -f "$out/$mode.skipped" "$out/$mode.stamp"

skip() { echo "$*" > "$out/$mode.skipped"; echo "build-kernels: $mode skipped: $*" >&2; exit 0; }

# Kernel sources compiled one by one for the emulation (all_kernels.cu is only the fatbin's single unit), plus
# kernels/testing/: probes of the emulation's own semantics, never part of the fatbin.
emu_sources() { find "$kernels" "$kernels/testing" -maxdepth 1 -name '*.cu' ! -name all_kernels.cu | sort; }

build_emulation() {  # $1 = output library, remaining = extra flags
    local lib=$1; shift
    # The fibers switch stacks in x86-64 assembly (kernels/emu/fiber.cpp), and -mtls-dialect=gnu2 is an x86 flag.
    [ "$(uname -m)" = x86_64 ] || skip "the CUDA emulation is built for x86-64 only (this machine is $(uname -m))"
    command -v g++ >/dev/null || skip "g++ not found"
    # The emulation uses the toolkit's own fp16/bf16 headers (host code paths) for correct rounding.
    [ -f /usr/include/cuda_fp16.h ] || [ -f /usr/local/cuda/include/cuda_fp16.h ] || skip "CUDA headers (cuda_fp16.h) not found: run scripts/install-cuda-toolkit.sh"
    local objdir="$out/obj-$(basename "$lib" .so)"
    mkdir -p "$objdir"
    local flags=(-std=c++20 -fPIC -pthread -fno-strict-aliasing -Wall -Wextra -Werror -Wno-unknown-pragmas
                 -mtls-dialect=gnu2 -I"$kernels" -I/usr/local/cuda/include "$@")
    local pids=() objs=()
    for src in $(emu_sources) "$kernels/emu/runtime.cpp" "$kernels/emu/fiber.cpp"; do
        local obj="$objdir/$(basename "$src").o"
        objs+=("$obj")
        g++ "${flags[@]}" -x c++ -c "$src" -o "$obj" & pids+=($!)
    done
    local failed=0
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
    [ $failed -eq 0 ] || { echo "build-kernels: emulation compile failed" >&2; exit 1; }
    g++ -shared -pthread "$@" "${objs[@]}" -o "$lib"
}

case "$mode" in
fatbin)
    command -v nvcc >/dev/null || skip "nvcc not found: run scripts/install-cuda-toolkit.sh"
    ccbin=()
    # nvcc 11.8 rejects gcc 12 as host compiler; Debian installs clang-14 with the toolkit for this.
    if command -v clang-14 >/dev/null; then ccbin=(-ccbin clang-14); fi
    nvcc "${ccbin[@]}" -std=c++17 -O3 -I"$kernels" -Werror all-warnings \
        -gencode arch=compute_80,code=sm_80 -gencode arch=compute_86,code=sm_86 \
        -gencode arch=compute_89,code=sm_89 -gencode arch=compute_90,code=sm_90 \
        -gencode arch=compute_90,code=compute_90 \
        -Xptxas -v,-warn-spills,-warn-lmem-usage,-Werror \
        -fatbin "${3:-$kernels/all_kernels.cu}" -o "$out/kernels.fatbin" 2> "$out/ptxas.log" \
        || { cat "$out/ptxas.log" >&2; exit 1; }
    ;;
emu) build_emulation "$out/libkernels_emu.so" -O2 ;;
tsan)
    build_emulation "$out/libkernels_tsan.so" -O1 -g -fsanitize=thread
    g++ -std=c++20 -O1 -g -fsanitize=thread "$kernels/testing/tsan_launch.cpp" -L"$out" -lkernels_tsan -Wl,-rpath,"$out" -o "$out/tsan_launch"
    ;;
*) echo "unknown mode $mode" >&2; exit 2 ;;
esac
# The stamp tells MSBuild the outputs are current; a skipped build leaves none, so it retries next time.
touch "$out/$mode.stamp"
