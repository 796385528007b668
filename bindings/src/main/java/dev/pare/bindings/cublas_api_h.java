// Generated in the layout of jextract from cublas_api.h (see regen-bindings.sh); edit the declarations there, not here.
package dev.pare.bindings;

import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;

/**
 * Downcalls into cuBLAS (libcublas.so.13, which needs libcublasLt.so.13). Nothing is loaded when this class initialises: each function's holder class
 * looks its symbol up on first call, through {@link CudaLibrary#CUBLAS}, so a CPU-only machine can load this class.
 * Ask {@link Cuda#available()} before the first call.
 */
@SuppressWarnings("unused")
public final class cublas_api_h {
    private cublas_api_h() {
    }

    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS;

    static MemorySegment findOrThrow(String symbol) {
        return CudaLibrary.CUBLAS.find(symbol);
    }

    public static int CUBLAS_STATUS_SUCCESS() {
        return 0;
    }

    public static int CUBLAS_STATUS_ALLOC_FAILED() {
        return 3;
    }

    public static int CUBLAS_OP_N() {
        return 0;
    }

    public static int CUBLAS_OP_T() {
        return 1;
    }

    public static int CUBLAS_FILL_MODE_LOWER() {
        return 0;
    }

    public static int CUBLAS_FILL_MODE_UPPER() {
        return 1;
    }

    public static int CUBLAS_DIAG_NON_UNIT() {
        return 0;
    }

    public static int CUBLAS_DIAG_UNIT() {
        return 1;
    }

    public static int CUBLAS_SIDE_LEFT() {
        return 0;
    }

    public static int CUBLAS_SIDE_RIGHT() {
        return 1;
    }

    public static int CUBLAS_DEFAULT_MATH() {
        return 0;
    }

    public static int CUBLAS_PEDANTIC_MATH() {
        return 2;
    }

    public static int CUBLAS_TF32_TENSOR_OP_MATH() {
        return 3;
    }

    public static int CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION() {
        return 16;
    }

    public static int CUDA_R_32F() {
        return 0;
    }

    public static int CUDA_R_16F() {
        return 2;
    }

    public static int CUDA_R_16BF() {
        return 14;
    }

    public static int CUBLAS_COMPUTE_32F() {
        return 68;
    }

    public static int CUBLAS_COMPUTE_32F_PEDANTIC() {
        return 69;
    }

    public static int CUBLAS_COMPUTE_32F_FAST_16BF() {
        return 75;
    }

    public static int CUBLAS_COMPUTE_32F_FAST_TF32() {
        return 77;
    }

    public static int CUBLAS_GEMM_DEFAULT() {
        return -1;
    }

    private static class cublasCreate_v2 {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cublasCreate_v2");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cublasCreate_v2$descriptor() {
        return cublasCreate_v2.DESC;
    }

    public static MethodHandle cublasCreate_v2$handle() {
        return cublasCreate_v2.HANDLE;
    }

    public static MemorySegment cublasCreate_v2$address() {
        return cublasCreate_v2.ADDR;
    }

    /** {@snippet lang=c : * int cublasCreate_v2(void** handle) } */
    public static int cublasCreate_v2(MemorySegment handle) {
        var mh$ = cublasCreate_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(handle);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cublasDestroy_v2 {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cublasDestroy_v2");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cublasDestroy_v2$descriptor() {
        return cublasDestroy_v2.DESC;
    }

    public static MethodHandle cublasDestroy_v2$handle() {
        return cublasDestroy_v2.HANDLE;
    }

    public static MemorySegment cublasDestroy_v2$address() {
        return cublasDestroy_v2.ADDR;
    }

    /** {@snippet lang=c : * int cublasDestroy_v2(void* handle) } */
    public static int cublasDestroy_v2(MemorySegment handle) {
        var mh$ = cublasDestroy_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(handle);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cublasGetVersion_v2 {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cublasGetVersion_v2");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cublasGetVersion_v2$descriptor() {
        return cublasGetVersion_v2.DESC;
    }

    public static MethodHandle cublasGetVersion_v2$handle() {
        return cublasGetVersion_v2.HANDLE;
    }

    public static MemorySegment cublasGetVersion_v2$address() {
        return cublasGetVersion_v2.ADDR;
    }

    /** {@snippet lang=c : * int cublasGetVersion_v2(void* handle, int* version) } */
    public static int cublasGetVersion_v2(MemorySegment handle, MemorySegment version) {
        var mh$ = cublasGetVersion_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(handle, version);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cublasSetStream_v2 {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cublasSetStream_v2");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cublasSetStream_v2$descriptor() {
        return cublasSetStream_v2.DESC;
    }

    public static MethodHandle cublasSetStream_v2$handle() {
        return cublasSetStream_v2.HANDLE;
    }

    public static MemorySegment cublasSetStream_v2$address() {
        return cublasSetStream_v2.ADDR;
    }

    /** {@snippet lang=c : * int cublasSetStream_v2(void* handle, void* streamId) } */
    public static int cublasSetStream_v2(MemorySegment handle, MemorySegment streamId) {
        var mh$ = cublasSetStream_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(handle, streamId);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cublasSetMathMode {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cublasSetMathMode");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cublasSetMathMode$descriptor() {
        return cublasSetMathMode.DESC;
    }

    public static MethodHandle cublasSetMathMode$handle() {
        return cublasSetMathMode.HANDLE;
    }

    public static MemorySegment cublasSetMathMode$address() {
        return cublasSetMathMode.ADDR;
    }

    /** {@snippet lang=c : * int cublasSetMathMode(void* handle, int mode) } */
    public static int cublasSetMathMode(MemorySegment handle, int mode) {
        var mh$ = cublasSetMathMode.HANDLE;
        try {
            return (int) mh$.invokeExact(handle, mode);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cublasGetStatusString {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cublasGetStatusString");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cublasGetStatusString$descriptor() {
        return cublasGetStatusString.DESC;
    }

    public static MethodHandle cublasGetStatusString$handle() {
        return cublasGetStatusString.HANDLE;
    }

    public static MemorySegment cublasGetStatusString$address() {
        return cublasGetStatusString.ADDR;
    }

    /** {@snippet lang=c : * char* cublasGetStatusString(int status) } */
    public static MemorySegment cublasGetStatusString(int status) {
        var mh$ = cublasGetStatusString.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(status);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cublasGetStatusName {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cublasGetStatusName");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cublasGetStatusName$descriptor() {
        return cublasGetStatusName.DESC;
    }

    public static MethodHandle cublasGetStatusName$handle() {
        return cublasGetStatusName.HANDLE;
    }

    public static MemorySegment cublasGetStatusName$address() {
        return cublasGetStatusName.ADDR;
    }

    /** {@snippet lang=c : * char* cublasGetStatusName(int status) } */
    public static MemorySegment cublasGetStatusName(int status) {
        var mh$ = cublasGetStatusName.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(status);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cublasSgemm_v2 {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER, C_INT, C_POINTER, C_POINTER, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cublasSgemm_v2");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cublasSgemm_v2$descriptor() {
        return cublasSgemm_v2.DESC;
    }

    public static MethodHandle cublasSgemm_v2$handle() {
        return cublasSgemm_v2.HANDLE;
    }

    public static MemorySegment cublasSgemm_v2$address() {
        return cublasSgemm_v2.ADDR;
    }

    /** {@snippet lang=c : * int cublasSgemm_v2(void* handle, int transa, int transb, int m, int n, int k, float* alpha, float* A, int lda, float* B, int ldb, float* beta, float* C, int ldc) } */
    public static int cublasSgemm_v2(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha, MemorySegment A, int lda, MemorySegment B, int ldb, MemorySegment beta, MemorySegment C, int ldc) {
        var mh$ = cublasSgemm_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(handle, transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cublasSgemmStridedBatched {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_LONG_LONG, C_POINTER, C_INT, C_LONG_LONG, C_POINTER, C_POINTER, C_INT, C_LONG_LONG, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cublasSgemmStridedBatched");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cublasSgemmStridedBatched$descriptor() {
        return cublasSgemmStridedBatched.DESC;
    }

    public static MethodHandle cublasSgemmStridedBatched$handle() {
        return cublasSgemmStridedBatched.HANDLE;
    }

    public static MemorySegment cublasSgemmStridedBatched$address() {
        return cublasSgemmStridedBatched.ADDR;
    }

    /** {@snippet lang=c : * int cublasSgemmStridedBatched(void* handle, int transa, int transb, int m, int n, int k, float* alpha, float* A, int lda, long long strideA, float* B, int ldb, long long strideB, float* beta, float* C, int ldc, long long strideC, int batchCount) } */
    public static int cublasSgemmStridedBatched(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha, MemorySegment A, int lda, long strideA, MemorySegment B, int ldb, long strideB, MemorySegment beta, MemorySegment C, int ldc, long strideC, int batchCount) {
        var mh$ = cublasSgemmStridedBatched.HANDLE;
        try {
            return (int) mh$.invokeExact(handle, transa, transb, m, n, k, alpha, A, lda, strideA, B, ldb, strideB, beta, C, ldc, strideC, batchCount);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cublasGemmEx {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_INT, C_POINTER, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_INT, C_INT, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cublasGemmEx");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cublasGemmEx$descriptor() {
        return cublasGemmEx.DESC;
    }

    public static MethodHandle cublasGemmEx$handle() {
        return cublasGemmEx.HANDLE;
    }

    public static MemorySegment cublasGemmEx$address() {
        return cublasGemmEx.ADDR;
    }

    /** {@snippet lang=c : * int cublasGemmEx(void* handle, int transa, int transb, int m, int n, int k, void* alpha, void* A, int Atype, int lda, void* B, int Btype, int ldb, void* beta, void* C, int Ctype, int ldc, int computeType, int algo) } */
    public static int cublasGemmEx(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha, MemorySegment A, int Atype, int lda, MemorySegment B, int Btype, int ldb, MemorySegment beta, MemorySegment C, int Ctype, int ldc, int computeType, int algo) {
        var mh$ = cublasGemmEx.HANDLE;
        try {
            return (int) mh$.invokeExact(handle, transa, transb, m, n, k, alpha, A, Atype, lda, B, Btype, ldb, beta, C, Ctype, ldc, computeType, algo);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cublasGemmStridedBatchedEx {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_INT, C_LONG_LONG, C_POINTER, C_INT, C_INT, C_LONG_LONG, C_POINTER, C_POINTER, C_INT, C_INT, C_LONG_LONG, C_INT, C_INT, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cublasGemmStridedBatchedEx");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cublasGemmStridedBatchedEx$descriptor() {
        return cublasGemmStridedBatchedEx.DESC;
    }

    public static MethodHandle cublasGemmStridedBatchedEx$handle() {
        return cublasGemmStridedBatchedEx.HANDLE;
    }

    public static MemorySegment cublasGemmStridedBatchedEx$address() {
        return cublasGemmStridedBatchedEx.ADDR;
    }

    /** {@snippet lang=c : * int cublasGemmStridedBatchedEx(void* handle, int transa, int transb, int m, int n, int k, void* alpha, void* A, int Atype, int lda, long long strideA, void* B, int Btype, int ldb, long long strideB, void* beta, void* C, int Ctype, int ldc, long long strideC, int batchCount, int computeType, int algo) } */
    public static int cublasGemmStridedBatchedEx(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha, MemorySegment A, int Atype, int lda, long strideA, MemorySegment B, int Btype, int ldb, long strideB, MemorySegment beta, MemorySegment C, int Ctype, int ldc, long strideC, int batchCount, int computeType, int algo) {
        var mh$ = cublasGemmStridedBatchedEx.HANDLE;
        try {
            return (int) mh$.invokeExact(handle, transa, transb, m, n, k, alpha, A, Atype, lda, strideA, B, Btype, ldb, strideB, beta, C, Ctype, ldc, strideC, batchCount, computeType, algo);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cublasSsyrk_v2 {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cublasSsyrk_v2");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cublasSsyrk_v2$descriptor() {
        return cublasSsyrk_v2.DESC;
    }

    public static MethodHandle cublasSsyrk_v2$handle() {
        return cublasSsyrk_v2.HANDLE;
    }

    public static MemorySegment cublasSsyrk_v2$address() {
        return cublasSsyrk_v2.ADDR;
    }

    /** {@snippet lang=c : * int cublasSsyrk_v2(void* handle, int uplo, int trans, int n, int k, float* alpha, float* A, int lda, float* beta, float* C, int ldc) } */
    public static int cublasSsyrk_v2(MemorySegment handle, int uplo, int trans, int n, int k, MemorySegment alpha, MemorySegment A, int lda, MemorySegment beta, MemorySegment C, int ldc) {
        var mh$ = cublasSsyrk_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(handle, uplo, trans, n, k, alpha, A, lda, beta, C, ldc);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cublasStrsm_v2 {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cublasStrsm_v2");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cublasStrsm_v2$descriptor() {
        return cublasStrsm_v2.DESC;
    }

    public static MethodHandle cublasStrsm_v2$handle() {
        return cublasStrsm_v2.HANDLE;
    }

    public static MemorySegment cublasStrsm_v2$address() {
        return cublasStrsm_v2.ADDR;
    }

    /** {@snippet lang=c : * int cublasStrsm_v2(void* handle, int side, int uplo, int trans, int diag, int m, int n, float* alpha, float* A, int lda, float* B, int ldb) } */
    public static int cublasStrsm_v2(MemorySegment handle, int side, int uplo, int trans, int diag, int m, int n, MemorySegment alpha, MemorySegment A, int lda, MemorySegment B, int ldb) {
        var mh$ = cublasStrsm_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(handle, side, uplo, trans, diag, m, n, alpha, A, lda, B, ldb);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cublasSgeam {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cublasSgeam");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cublasSgeam$descriptor() {
        return cublasSgeam.DESC;
    }

    public static MethodHandle cublasSgeam$handle() {
        return cublasSgeam.HANDLE;
    }

    public static MemorySegment cublasSgeam$address() {
        return cublasSgeam.ADDR;
    }

    /** {@snippet lang=c : * int cublasSgeam(void* handle, int transa, int transb, int m, int n, float* alpha, float* A, int lda, float* beta, float* B, int ldb, float* C, int ldc) } */
    public static int cublasSgeam(MemorySegment handle, int transa, int transb, int m, int n, MemorySegment alpha, MemorySegment A, int lda, MemorySegment beta, MemorySegment B, int ldb, MemorySegment C, int ldc) {
        var mh$ = cublasSgeam.HANDLE;
        try {
            return (int) mh$.invokeExact(handle, transa, transb, m, n, alpha, A, lda, beta, B, ldb, C, ldc);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
}
