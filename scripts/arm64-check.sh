#!/usr/bin/env bash
# Builds the server for linux-arm64 and runs it under qemu-user on an x86-64 Debian machine:
#   1. installs qemu-user-static and the arm64 C/C++ runtime (scripts/install-arm64-tools.sh) if missing;
#   2. snapshots the working tree (tracked + untracked, not ignored) to $ARM64_CHECK_DIR, so builds here never touch
#      the live tree's bin/ and obj/;
#   3. publishes the CLI and scripts/arm64/XunitInprocRunner (which carries tests/InferenceServer.Backends.Tests)
#      self-contained for linux-arm64; runtime packs come from NuGet;
#   4. per qemu CPU model in $QEMU_CPUS: runs `generate` (greedy) and compares its text with the x64 run, and runs the
#      Backends kernel tests in process; the same tests also run on x64 for reference.
# Extra arguments go to the test runner, e.g. `scripts/arm64-check.sh --filter CpuMatMulTests`.
# Exit status: 0 only if every arm64 run matched/passed. Downloads only through apt and NuGet.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=${ARM64_CHECK_DIR:-/tmp/arm64-check}
cpus=${QEMU_CPUS:-max cortex-a53}   # "max" = every feature qemu has (dotprod, SVE...); cortex-a53 = plain ARMv8.0
limit=${ARM64_CHECK_TIMEOUT:-900}   # seconds per qemu run
gen=(generate -m "$repo/models/tinystories-656k/1.json" -p "Once upon a time" --temperature 0 -n 32 --device cpu)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
summary=() failed=0

step() { echo; echo "=== $* ($(date +%T))"; SECONDS=0; }
took() { echo "--- took ${SECONDS}s"; }
# .NET's W^X double mapping writes code through an alias qemu-user cannot see, so qemu runs stale translations
# (SIGILL "Illegal instruction" in JIT stubs, hangs); with it off the runs are deterministic.
qemu() { QEMU_CPU=$1 DOTNET_EnableWriteXorExecute=0 timeout "$limit" qemu-aarch64-static -L / "${@:2}"; }

step "tools"
bash "$repo/scripts/install-arm64-tools.sh"
command -v qemu-aarch64-static >/dev/null || { echo "qemu-aarch64-static is not installed"; exit 1; }
qemu-aarch64-static --version | head -1
took

step "snapshot $repo -> $work/src"
mkdir -p "$work/src"
find "$work/src" \( -name bin -o -name obj \) -prune -o -type f -print0 | xargs -0 -r rm -f   # keep build caches
(cd "$repo" && git ls-files -z -co --exclude-standard | while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done \
    | tar --null -T - -cf -) | tar -xf - -C "$work/src"
src=$work/src
took

# BuildCudaKernels=false: no CUDA kernel build (nvcc, the x86-64 emulation library); nothing here runs them.
publish() { rm -rf "$2"; dotnet publish "$1" -c Release -r linux-arm64 --self-contained -p:BuildCudaKernels=false -o "$2" -v q -nologo; }
step "publish linux-arm64"
publish "$src/src/InferenceServer.Cli" "$work/cli"
publish "$src/scripts/arm64/XunitInprocRunner" "$work/tests"
file -b "$work/cli/inference-server" | cut -d, -f1-2
took

step "x64 reference: generate + Backends tests"
dotnet run --project "$src/src/InferenceServer.Cli" -c Release -p:BuildCudaKernels=false -v q -- "${gen[@]}" > "$work/x64.txt" 2> "$work/x64.err" \
    || { cat "$work/x64.err"; echo "x64 generate failed"; exit 1; }
echo "x64: $(cat "$work/x64.txt")"
dotnet build "$src/scripts/arm64/XunitInprocRunner" -c Release -p:BuildCudaKernels=false -v q -nologo > /dev/null
x64_tests=$("$src/scripts/arm64/XunitInprocRunner/bin/Release/net10.0/XunitInprocRunner" "$@" | tee "$work/tests-x64.log" | tail -1) || true
summary+=("x64 tests (reference): $x64_tests")
took

for cpu in $cpus; do
    step "arm64 generate under qemu ($cpu)"
    if qemu "$cpu" "$work/cli/inference-server" "${gen[@]}" > "$work/arm64-$cpu.txt" 2> "$work/arm64-$cpu.err"; then
        if cmp -s "$work/x64.txt" "$work/arm64-$cpu.txt"; then r="MATCHES x64"
        else r="DIFFERS from x64: $(cat "$work/arm64-$cpu.txt")"; failed=1; fi
    else r="FAILED (exit $?): $(tail -1 "$work/arm64-$cpu.err")"; failed=1; fi
    echo "$r"; summary+=("arm64 generate [$cpu]: $r")
    took

    step "arm64 Backends tests under qemu ($cpu)"
    qemu "$cpu" "$work/tests/XunitInprocRunner" "$@" > "$work/tests-$cpu.log" 2>&1 && rc=0 || rc=$?
    grep -E '^  (FAIL|SKIP|ERROR)|Exception:' "$work/tests-$cpu.log" | head -20 || true
    r=$(tail -1 "$work/tests-$cpu.log"); [ $rc -eq 0 ] || { failed=1; [ $rc -le 1 ] || r="runner exit $rc: $r"; }
    summary+=("arm64 tests [$cpu]: $r")
    took
done

echo; echo "=== summary (logs in $work)"
printf '  %s\n' "${summary[@]}"
[ $failed -eq 0 ] && echo "ARM64 CHECK PASSED" || echo "ARM64 CHECK FAILED"
exit $failed
