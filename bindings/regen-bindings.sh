#!/usr/bin/env bash
# Regenerates the java.lang.foreign bindings in bindings/src/main/java/dev/pare/bindings with jextract, one class per
# header, for the functions Pare calls and nothing else. jextract is not obtainable on Pare's build and GPU machines, so
# the committed classes were written in jextract's own layout by hand from the same declarations; where jextract
# exists (https://jdk.java.net/jextract/), this script makes them a drop-in regeneration.
#
# Two things jextract does not do and the committed classes add, so review the diff after running this:
#   - CudaLibrary: the library is looked up lazily, by versioned soname over the CUDA folders (jextract's --library
#     does a libraryLookup in the header class's static initializer, which throws on a machine without CUDA);
#     the script rewrites SYMBOL_LOOKUP accordingly.
#   - Cuda, CudaCheck, CudaException: the availability probe and the status-to-exception mapping.
#
# Usage: CUDA_HOME=/usr/local/cuda bindings/regen-bindings.sh [path/to/jextract]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
jextract=${1:-$(command -v jextract || true)}
cuda=${CUDA_HOME:-/usr/local/cuda}
[ -n "$jextract" ] || { echo "jextract not found: pass its path or put it on PATH" >&2; exit 1; }
[ -f "$cuda/include/cublas_v2.h" ] || { echo "$cuda/include has no cublas_v2.h: set CUDA_HOME to a CUDA 13 toolkit" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# header class, header, library enum constant, functions
gen() {
    local class=$1 header=$2 lib=$3; shift 3
    local args=()
    for f in "$@"; do args+=(--include-function "$f"); done
    "$jextract" -I "$cuda/include" -t dev.pare.bindings --header-class-name "$class" --output "$out" "${args[@]}" \
        --include-constant CUDA_R_32F --include-constant CUDA_R_16F --include-constant CUDA_R_16BF \
        "$cuda/include/$header"
    # Lazy, soname-searched lookup instead of jextract's eager libraryLookup.
    sed -i -E "s|static final SymbolLookup SYMBOL_LOOKUP = .*|// looked up lazily: see CudaLibrary|; s|SYMBOL_LOOKUP\.find\(symbol\)\.orElseThrow\([^)]*\)|CudaLibrary.$lib.find(symbol)|" \
        "$out/dev/pare/bindings/$class.java"
}

gen cuda_h cuda.h DRIVER cuInit cuDriverGetVersion cuDeviceGet cuDeviceGetCount cuDeviceGetName cuDevicePrimaryCtxRetain cuDevicePrimaryCtxRelease_v2 cuCtxSetCurrent cuCtxGetCurrent cuModuleLoadData cuModuleUnload cuModuleGetFunction cuFuncSetAttribute cuLaunchKernel cuGetErrorString cuGetErrorName
gen cuda_runtime_api_h cuda_runtime_api.h RUNTIME cudaGetErrorString cudaGetErrorName cudaGetLastError cudaDriverGetVersion cudaRuntimeGetVersion cudaGetDeviceCount cudaSetDevice cudaGetDevice cudaDeviceGetAttribute cudaDeviceSynchronize cudaMalloc cudaFree cudaMallocHost cudaFreeHost cudaHostRegister cudaHostUnregister cudaMemcpy cudaMemcpyAsync cudaMemcpy2DAsync cudaMemsetAsync cudaMemGetInfo cudaStreamCreateWithFlags cudaStreamDestroy cudaStreamSynchronize cudaStreamWaitEvent cudaEventCreate cudaEventCreateWithFlags cudaEventRecord cudaEventSynchronize cudaEventElapsedTime cudaEventDestroy
gen cublas_api_h cublas_api.h CUBLAS cublasCreate_v2 cublasDestroy_v2 cublasGetVersion_v2 cublasSetStream_v2 cublasSetMathMode cublasGetStatusString cublasGetStatusName cublasSgemm_v2 cublasSgemmStridedBatched cublasGemmEx cublasGemmStridedBatchedEx cublasSsyrk_v2 cublasStrsm_v2 cublasSgeam
gen cusolverDn_h cusolverDn.h CUSOLVER cusolverGetVersion cusolverDnCreate cusolverDnDestroy cusolverDnSetStream cusolverDnSpotrf_bufferSize cusolverDnSpotrf cusolverDnSpotri_bufferSize cusolverDnSpotri cusolverDnSpotrs cusolverDnXtrtri_bufferSize cusolverDnXtrtri
gen nvrtc_h nvrtc.h NVRTC nvrtcGetErrorString nvrtcVersion nvrtcCreateProgram nvrtcDestroyProgram nvrtcCompileProgram nvrtcGetProgramLogSize nvrtcGetProgramLog nvrtcGetCUBINSize nvrtcGetCUBIN nvrtcGetPTXSize nvrtcGetPTX

for f in "$out"/dev/pare/bindings/*.java; do cp "$f" "$here/src/main/java/dev/pare/bindings/"; done
echo "regenerated: $(ls "$out"/dev/pare/bindings | tr '\n' ' ')"
echo "review with: git diff -- $here/src"
