// Generated in the layout of jextract from cusolverDn.h (see regen-bindings.sh); edit the declarations there, not here.
package dev.pare.bindings;

import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;

/**
 * Downcalls into cuSOLVER's dense API (libcusolver.so.12). Nothing is loaded when this class initialises: each function's holder class
 * looks its symbol up on first call, through {@link CudaLibrary#CUSOLVER}, so a CPU-only machine can load this class.
 * Ask {@link Cuda#available()} before the first call.
 */
@SuppressWarnings("unused")
public final class cusolverDn_h {
    private cusolverDn_h() {
    }

    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS;

    static MemorySegment findOrThrow(String symbol) {
        return CudaLibrary.CUSOLVER.find(symbol);
    }

    public static int CUSOLVER_STATUS_SUCCESS() {
        return 0;
    }

    private static class cusolverGetVersion {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cusolverGetVersion");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cusolverGetVersion$descriptor() {
        return cusolverGetVersion.DESC;
    }

    public static MethodHandle cusolverGetVersion$handle() {
        return cusolverGetVersion.HANDLE;
    }

    public static MemorySegment cusolverGetVersion$address() {
        return cusolverGetVersion.ADDR;
    }

    /** {@snippet lang=c : * int cusolverGetVersion(int* version) } */
    public static int cusolverGetVersion(MemorySegment version) {
        var mh$ = cusolverGetVersion.HANDLE;
        try {
            return (int) mh$.invokeExact(version);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cusolverDnCreate {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cusolverDnCreate");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cusolverDnCreate$descriptor() {
        return cusolverDnCreate.DESC;
    }

    public static MethodHandle cusolverDnCreate$handle() {
        return cusolverDnCreate.HANDLE;
    }

    public static MemorySegment cusolverDnCreate$address() {
        return cusolverDnCreate.ADDR;
    }

    /** {@snippet lang=c : * int cusolverDnCreate(void** handle) } */
    public static int cusolverDnCreate(MemorySegment handle) {
        var mh$ = cusolverDnCreate.HANDLE;
        try {
            return (int) mh$.invokeExact(handle);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cusolverDnDestroy {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cusolverDnDestroy");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cusolverDnDestroy$descriptor() {
        return cusolverDnDestroy.DESC;
    }

    public static MethodHandle cusolverDnDestroy$handle() {
        return cusolverDnDestroy.HANDLE;
    }

    public static MemorySegment cusolverDnDestroy$address() {
        return cusolverDnDestroy.ADDR;
    }

    /** {@snippet lang=c : * int cusolverDnDestroy(void* handle) } */
    public static int cusolverDnDestroy(MemorySegment handle) {
        var mh$ = cusolverDnDestroy.HANDLE;
        try {
            return (int) mh$.invokeExact(handle);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cusolverDnSetStream {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cusolverDnSetStream");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cusolverDnSetStream$descriptor() {
        return cusolverDnSetStream.DESC;
    }

    public static MethodHandle cusolverDnSetStream$handle() {
        return cusolverDnSetStream.HANDLE;
    }

    public static MemorySegment cusolverDnSetStream$address() {
        return cusolverDnSetStream.ADDR;
    }

    /** {@snippet lang=c : * int cusolverDnSetStream(void* handle, void* streamId) } */
    public static int cusolverDnSetStream(MemorySegment handle, MemorySegment streamId) {
        var mh$ = cusolverDnSetStream.HANDLE;
        try {
            return (int) mh$.invokeExact(handle, streamId);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cusolverDnSpotrf_bufferSize {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_POINTER, C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cusolverDnSpotrf_bufferSize");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cusolverDnSpotrf_bufferSize$descriptor() {
        return cusolverDnSpotrf_bufferSize.DESC;
    }

    public static MethodHandle cusolverDnSpotrf_bufferSize$handle() {
        return cusolverDnSpotrf_bufferSize.HANDLE;
    }

    public static MemorySegment cusolverDnSpotrf_bufferSize$address() {
        return cusolverDnSpotrf_bufferSize.ADDR;
    }

    /** {@snippet lang=c : * int cusolverDnSpotrf_bufferSize(void* handle, int uplo, int n, float* A, int lda, int* Lwork) } */
    public static int cusolverDnSpotrf_bufferSize(MemorySegment handle, int uplo, int n, MemorySegment A, int lda, MemorySegment Lwork) {
        var mh$ = cusolverDnSpotrf_bufferSize.HANDLE;
        try {
            return (int) mh$.invokeExact(handle, uplo, n, A, lda, Lwork);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cusolverDnSpotrf {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_POINTER, C_INT, C_POINTER, C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cusolverDnSpotrf");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cusolverDnSpotrf$descriptor() {
        return cusolverDnSpotrf.DESC;
    }

    public static MethodHandle cusolverDnSpotrf$handle() {
        return cusolverDnSpotrf.HANDLE;
    }

    public static MemorySegment cusolverDnSpotrf$address() {
        return cusolverDnSpotrf.ADDR;
    }

    /** {@snippet lang=c : * int cusolverDnSpotrf(void* handle, int uplo, int n, float* A, int lda, float* Workspace, int Lwork, int* devInfo) } */
    public static int cusolverDnSpotrf(MemorySegment handle, int uplo, int n, MemorySegment A, int lda, MemorySegment Workspace, int Lwork, MemorySegment devInfo) {
        var mh$ = cusolverDnSpotrf.HANDLE;
        try {
            return (int) mh$.invokeExact(handle, uplo, n, A, lda, Workspace, Lwork, devInfo);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cusolverDnSpotri_bufferSize {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_POINTER, C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cusolverDnSpotri_bufferSize");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cusolverDnSpotri_bufferSize$descriptor() {
        return cusolverDnSpotri_bufferSize.DESC;
    }

    public static MethodHandle cusolverDnSpotri_bufferSize$handle() {
        return cusolverDnSpotri_bufferSize.HANDLE;
    }

    public static MemorySegment cusolverDnSpotri_bufferSize$address() {
        return cusolverDnSpotri_bufferSize.ADDR;
    }

    /** {@snippet lang=c : * int cusolverDnSpotri_bufferSize(void* handle, int uplo, int n, float* A, int lda, int* lwork) } */
    public static int cusolverDnSpotri_bufferSize(MemorySegment handle, int uplo, int n, MemorySegment A, int lda, MemorySegment lwork) {
        var mh$ = cusolverDnSpotri_bufferSize.HANDLE;
        try {
            return (int) mh$.invokeExact(handle, uplo, n, A, lda, lwork);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cusolverDnSpotri {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_POINTER, C_INT, C_POINTER, C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cusolverDnSpotri");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cusolverDnSpotri$descriptor() {
        return cusolverDnSpotri.DESC;
    }

    public static MethodHandle cusolverDnSpotri$handle() {
        return cusolverDnSpotri.HANDLE;
    }

    public static MemorySegment cusolverDnSpotri$address() {
        return cusolverDnSpotri.ADDR;
    }

    /** {@snippet lang=c : * int cusolverDnSpotri(void* handle, int uplo, int n, float* A, int lda, float* work, int lwork, int* devInfo) } */
    public static int cusolverDnSpotri(MemorySegment handle, int uplo, int n, MemorySegment A, int lda, MemorySegment work, int lwork, MemorySegment devInfo) {
        var mh$ = cusolverDnSpotri.HANDLE;
        try {
            return (int) mh$.invokeExact(handle, uplo, n, A, lda, work, lwork, devInfo);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cusolverDnSpotrs {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_POINTER, C_INT, C_POINTER, C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cusolverDnSpotrs");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cusolverDnSpotrs$descriptor() {
        return cusolverDnSpotrs.DESC;
    }

    public static MethodHandle cusolverDnSpotrs$handle() {
        return cusolverDnSpotrs.HANDLE;
    }

    public static MemorySegment cusolverDnSpotrs$address() {
        return cusolverDnSpotrs.ADDR;
    }

    /** {@snippet lang=c : * int cusolverDnSpotrs(void* handle, int uplo, int n, int nrhs, float* A, int lda, float* B, int ldb, int* devInfo) } */
    public static int cusolverDnSpotrs(MemorySegment handle, int uplo, int n, int nrhs, MemorySegment A, int lda, MemorySegment B, int ldb, MemorySegment devInfo) {
        var mh$ = cusolverDnSpotrs.HANDLE;
        try {
            return (int) mh$.invokeExact(handle, uplo, n, nrhs, A, lda, B, ldb, devInfo);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cusolverDnXtrtri_bufferSize {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_LONG_LONG, C_INT, C_POINTER, C_LONG_LONG, C_POINTER, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cusolverDnXtrtri_bufferSize");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cusolverDnXtrtri_bufferSize$descriptor() {
        return cusolverDnXtrtri_bufferSize.DESC;
    }

    public static MethodHandle cusolverDnXtrtri_bufferSize$handle() {
        return cusolverDnXtrtri_bufferSize.HANDLE;
    }

    public static MemorySegment cusolverDnXtrtri_bufferSize$address() {
        return cusolverDnXtrtri_bufferSize.ADDR;
    }

    /** {@snippet lang=c : * int cusolverDnXtrtri_bufferSize(void* handle, int uplo, int diag, long long n, int dataTypeA, void* A, long long lda, size_t* workspaceInBytesOnDevice, size_t* workspaceInBytesOnHost) } */
    public static int cusolverDnXtrtri_bufferSize(MemorySegment handle, int uplo, int diag, long n, int dataTypeA, MemorySegment A, long lda, MemorySegment workspaceInBytesOnDevice, MemorySegment workspaceInBytesOnHost) {
        var mh$ = cusolverDnXtrtri_bufferSize.HANDLE;
        try {
            return (int) mh$.invokeExact(handle, uplo, diag, n, dataTypeA, A, lda, workspaceInBytesOnDevice, workspaceInBytesOnHost);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cusolverDnXtrtri {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_LONG_LONG, C_INT, C_POINTER, C_LONG_LONG, C_POINTER, C_LONG, C_POINTER, C_LONG, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cusolverDnXtrtri");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cusolverDnXtrtri$descriptor() {
        return cusolverDnXtrtri.DESC;
    }

    public static MethodHandle cusolverDnXtrtri$handle() {
        return cusolverDnXtrtri.HANDLE;
    }

    public static MemorySegment cusolverDnXtrtri$address() {
        return cusolverDnXtrtri.ADDR;
    }

    /** {@snippet lang=c : * int cusolverDnXtrtri(void* handle, int uplo, int diag, long long n, int dataTypeA, void* A, long long lda, void* bufferOnDevice, size_t workspaceInBytesOnDevice, void* bufferOnHost, size_t workspaceInBytesOnHost, int* devInfo) } */
    public static int cusolverDnXtrtri(MemorySegment handle, int uplo, int diag, long n, int dataTypeA, MemorySegment A, long lda, MemorySegment bufferOnDevice, long workspaceInBytesOnDevice, MemorySegment bufferOnHost, long workspaceInBytesOnHost, MemorySegment devInfo) {
        var mh$ = cusolverDnXtrtri.HANDLE;
        try {
            return (int) mh$.invokeExact(handle, uplo, diag, n, dataTypeA, A, lda, bufferOnDevice, workspaceInBytesOnDevice, bufferOnHost, workspaceInBytesOnHost, devInfo);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
}
