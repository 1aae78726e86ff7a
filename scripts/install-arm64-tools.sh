#!/usr/bin/env bash
# Installs what scripts/arm64-check.sh needs on x86-64 Debian: qemu-user-static and the arm64 C/C++ runtime (Debian
# multiarch), so the linux-arm64 build can run under qemu. Idempotent. Never fails the caller: without the tools the
# ARM64 check skips with a printed reason, so this script only warns.
set -uo pipefail
log() { echo "install-arm64-tools: $*" >&2; }
pkgs=()
command -v qemu-aarch64-static >/dev/null || pkgs+=(qemu-user-static)
for p in libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64; do dpkg -s "$p" >/dev/null 2>&1 || pkgs+=("$p"); done
if [ ${#pkgs[@]} -eq 0 ]; then log "already installed"; exit 0; fi
if [ "$(id -u)" -ne 0 ]; then log "not root: skipping (the ARM64 check will skip)"; exit 0; fi
export DEBIAN_FRONTEND=noninteractive
dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
if ! timeout 300 apt-get update -qq; then log "apt-get update failed: skipping"; exit 0; fi
if ! timeout 600 apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null; then log "apt-get install failed: skipping"; exit 0; fi
log "installed: $(qemu-aarch64-static --version | head -1)"
