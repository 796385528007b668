package dev.pare.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Status codes into exceptions, one method per library: each names the call and spells the status the way the library
 * does (its own name and description functions), so that a failure reads the same as in the CUDA documentation.
 */
public final class CudaCheck {
    private CudaCheck() {
    }

    /** The CUDA runtime: cudaError_t. */
    public static void cuda(String call, int status) {
        if (status != 0) throw cudaError(call, status);
    }

    public static CudaException cudaError(String call, int status) {
        String name = string(() -> cuda_runtime_api_h.cudaGetErrorName(status), "cudaError " + status);
        String text = string(() -> cuda_runtime_api_h.cudaGetErrorString(status), null);
        return new CudaException(call, status, name, text, status == cuda_runtime_api_h.cudaErrorMemoryAllocation());
    }

    /** The driver API: CUresult. */
    public static void cu(String call, int status) {
        if (status == 0) return;
        String name = "CUresult " + status, text = null;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(ValueLayout.ADDRESS);
            if (cuda_h.cuGetErrorName(status, p) == 0) name = cString(p.get(ValueLayout.ADDRESS, 0));
            if (cuda_h.cuGetErrorString(status, p) == 0) text = cString(p.get(ValueLayout.ADDRESS, 0));
        } catch (RuntimeException | LinkageError e) {
            // keep the number
        }
        throw new CudaException(call, status, name, text, status == cuda_h.CUDA_ERROR_OUT_OF_MEMORY());
    }

    /** cuBLAS: cublasStatus_t. */
    public static void cublas(String call, int status) {
        if (status == 0) return;
        String name = string(() -> cublas_api_h.cublasGetStatusName(status), "cublasStatus " + status);
        String text = string(() -> cublas_api_h.cublasGetStatusString(status), null);
        throw new CudaException(call, status, name, text, status == cublas_api_h.CUBLAS_STATUS_ALLOC_FAILED());
    }

    /** cuSOLVER: cusolverStatus_t, which has no name function; the names are cusolver_common.h's. */
    public static void cusolver(String call, int status) {
        if (status == 0) return;
        String name = switch (status) {
            case 1 -> "CUSOLVER_STATUS_NOT_INITIALIZED";
            case 2 -> "CUSOLVER_STATUS_ALLOC_FAILED";
            case 3 -> "CUSOLVER_STATUS_INVALID_VALUE";
            case 4 -> "CUSOLVER_STATUS_ARCH_MISMATCH";
            case 5 -> "CUSOLVER_STATUS_MAPPING_ERROR";
            case 6 -> "CUSOLVER_STATUS_EXECUTION_FAILED";
            case 7 -> "CUSOLVER_STATUS_INTERNAL_ERROR";
            case 8 -> "CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED";
            case 9 -> "CUSOLVER_STATUS_NOT_SUPPORTED";
            case 10 -> "CUSOLVER_STATUS_ZERO_PIVOT";
            case 11 -> "CUSOLVER_STATUS_INVALID_LICENSE";
            case 12 -> "CUSOLVER_STATUS_IRS_PARAMS_NOT_INITIALIZED";
            case 13 -> "CUSOLVER_STATUS_IRS_PARAMS_INVALID";
            case 14 -> "CUSOLVER_STATUS_IRS_PARAMS_INVALID_PREC";
            case 15 -> "CUSOLVER_STATUS_IRS_PARAMS_INVALID_REFINE";
            case 16 -> "CUSOLVER_STATUS_IRS_PARAMS_INVALID_MAXITER";
            case 20 -> "CUSOLVER_STATUS_IRS_INTERNAL_ERROR";
            case 21 -> "CUSOLVER_STATUS_IRS_NOT_SUPPORTED";
            case 22 -> "CUSOLVER_STATUS_IRS_OUT_OF_RANGE";
            case 23 -> "CUSOLVER_STATUS_IRS_NRHS_NOT_SUPPORTED_FOR_REFINE_GMRES";
            case 25 -> "CUSOLVER_STATUS_IRS_INFOS_NOT_INITIALIZED";
            case 26 -> "CUSOLVER_STATUS_IRS_INFOS_NOT_DESTROYED";
            case 30 -> "CUSOLVER_STATUS_IRS_MATRIX_SINGULAR";
            case 31 -> "CUSOLVER_STATUS_INVALID_WORKSPACE";
            default -> "cusolverStatus " + status;
        };
        throw new CudaException(call, status, name, null, status == 2);
    }

    /** NVRTC: nvrtcResult. Compilation errors carry the log separately, see the engine's kernel compiler. */
    public static void nvrtc(String call, int status) {
        if (status == 0) return;
        String name = string(() -> nvrtc_h.nvrtcGetErrorString(status), "nvrtcResult " + status);
        throw new CudaException(call, status, name, null, status == 2 /* NVRTC_ERROR_OUT_OF_MEMORY */);
    }

    /** A NUL-terminated C string at {@code p} (a pointer the library returned), or null for NULL. */
    public static String cString(MemorySegment p) {
        if (p == null || p.address() == 0) return null;
        return p.reinterpret(Long.MAX_VALUE).getString(0);
    }

    private interface CStringCall {
        MemorySegment call();
    }

    private static String string(CStringCall call, String fallback) {
        try {
            String s = cString(call.call());
            return s == null ? fallback : s;
        } catch (RuntimeException | LinkageError e) {
            return fallback;
        }
    }
}
