#!/usr/bin/env bash
# Prints the ptxas resources of every kernel (registers and static shared memory per arch, spills) as the markdown
# table in docs/kernels.md. Usage: scripts/kernel-resources.sh [ptxas.log] (default: the build's obj/kernels/ptxas.log)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
log=${1:-$root/src/InferenceServer.Backends.Cuda/obj/kernels/ptxas.log}
python3 - "$log" <<'PY'
import re, sys
regs, smem, spill = {}, {}, {}
kernel = arch = None
for line in open(sys.argv[1]):
    if m := re.search(r"Compiling entry function '(\w+)' for '(sm_\d+)'", line):
        kernel, arch = m.groups()
        spill.setdefault(kernel, 0)
    elif m := re.search(r"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads", line):
        spill[kernel] += sum(map(int, m.groups()))
    elif m := re.search(r"Used (\d+) registers", line):
        regs[kernel, arch] = m.group(1)
        s = re.search(r"(\d+) bytes smem", line)
        smem[kernel] = s.group(1) if s else "0"
print("| kernel | registers sm_80 / 86 / 89 / 90 | static shared bytes | spill + stack bytes |")
print("|---|---|---|---|")
for k in sorted(spill):
    r = " / ".join(regs.get((k, a), "?") for a in ("sm_80", "sm_86", "sm_89", "sm_90"))
    print(f"| `{k}` | {r} | {smem[k]} | {spill[k]} |")
PY
