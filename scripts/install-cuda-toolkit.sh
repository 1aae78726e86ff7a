#!/usr/bin/env bash
# Installs Debian's nvidia-cuda-toolkit (nvcc 11.8, CUDA headers, libcuda.so.1) so CI compiles and
# checks the kernels. Idempotent: does nothing when nvcc is already there. Never fails the caller:
# without the toolkit the kernel tests skip with a printed reason, so this script only warns.
set -uo pipefail

log() { echo "install-cuda-toolkit: $*" >&2; }

if command -v nvcc >/dev/null 2>&1 && command -v clang-14 >/dev/null 2>&1; then
    log "already installed: $(nvcc --version | tail -1)"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
        log "not root and no passwordless sudo: skipping (kernel tests will skip)"; exit 0
    fi
else
    SUDO=""
fi

sources=/etc/apt/sources.list.d/debian.sources
if [ -f "$sources" ]; then
    # The toolkit lives in non-free; enable contrib and non-free on every Components: line once.
    if ! grep -Eq '^Components:.*non-free( |$)' "$sources"; then
        $SUDO sed -i -E '/^Components:/{/non-free( |$)/!s/$/ contrib non-free/}' "$sources"
    fi
elif ! grep -rqs 'non-free' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null; then
    log "no Debian sources file with non-free found: skipping (kernel tests will skip)"; exit 0
fi

export DEBIAN_FRONTEND=noninteractive
if ! timeout 300 $SUDO apt-get update -qq; then
    log "apt-get update failed (registry unreachable?): skipping (kernel tests will skip)"; exit 0
fi
# clang-14 is named explicitly because nvcc 11.8 rejects gcc 12 as host compiler.
if ! timeout 1200 $SUDO apt-get install -y -qq --no-install-recommends nvidia-cuda-toolkit clang-14 >/dev/null; then
    log "apt-get install failed: skipping (kernel tests will skip)"; exit 0
fi
log "installed: $(nvcc --version | tail -1)"
