#!/usr/bin/env bash
# Compile-checks every kernel source for the given architectures with nvcc, the same sources NVRTC compiles at run time,
# and prints each kernel's registers, stack frame and spills (a stack frame or spills mean a register array went to
# local memory). Run by the native module's build where nvcc exists (profile "nvcc"); harmless to run by hand.
# Usage: native/check-kernels.sh [sm_90 sm_80 ...]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
nvcc=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
[ -x "$nvcc" ] || { echo "check-kernels: no nvcc; skipped" >&2; exit 0; }
archs=("$@")
[ ${#archs[@]} -gt 0 ] || archs=(sm_80 sm_90)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for src in "$here"/src/main/cuda/*.cu; do
    for arch in "${archs[@]}"; do
        # -Werror all-warnings: NVRTC would compile what warns here, but a warning in a kernel is usually a bug.
        "$nvcc" -cubin -arch="$arch" -Xptxas -v -Werror all-warnings -o "$out/$(basename "$src" .cu).$arch.cubin" "$src" 2>"$out/log" \
            || { cat "$out/log" >&2; echo "check-kernels: $(basename "$src") failed for $arch" >&2; exit 1; }
        if [ "$arch" = "${archs[-1]}" ]; then
            awk -v f="$(basename "$src")" '/Compiling entry function/ {k=$7; gsub(/\047/, "", k)}
                 /stack frame/ {sf=$1 " B stack, " $5 " B spill stores, " $9 " B spill loads"}
                 /Used [0-9]+ registers/ {printf "  %-10s %-28s %s regs, %s\n", f, k, $5, sf}' "$out/log"
        fi
    done
done
echo "check-kernels: all kernels compile for ${archs[*]}"
