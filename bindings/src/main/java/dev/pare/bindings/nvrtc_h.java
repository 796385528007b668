// Generated in the layout of jextract from nvrtc.h (see regen-bindings.sh); edit the declarations there, not here.
package dev.pare.bindings;

import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;

/**
 * Downcalls into NVRTC, the run-time CUDA C++ compiler (libnvrtc.so.13). Nothing is loaded when this class initialises: each function's holder class
 * looks its symbol up on first call, through {@link CudaLibrary#NVRTC}, so a CPU-only machine can load this class.
 * Ask {@link Cuda#available()} before the first call.
 */
@SuppressWarnings("unused")
public final class nvrtc_h {
    private nvrtc_h() {
    }

    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS;

    static MemorySegment findOrThrow(String symbol) {
        return CudaLibrary.NVRTC.find(symbol);
    }

    public static int NVRTC_SUCCESS() {
        return 0;
    }

    public static int NVRTC_ERROR_COMPILATION() {
        return 6;
    }

    private static class nvrtcGetErrorString {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);
        public static final MemorySegment ADDR = findOrThrow("nvrtcGetErrorString");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor nvrtcGetErrorString$descriptor() {
        return nvrtcGetErrorString.DESC;
    }

    public static MethodHandle nvrtcGetErrorString$handle() {
        return nvrtcGetErrorString.HANDLE;
    }

    public static MemorySegment nvrtcGetErrorString$address() {
        return nvrtcGetErrorString.ADDR;
    }

    /** {@snippet lang=c : * char* nvrtcGetErrorString(int result) } */
    public static MemorySegment nvrtcGetErrorString(int result) {
        var mh$ = nvrtcGetErrorString.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(result);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class nvrtcVersion {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("nvrtcVersion");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor nvrtcVersion$descriptor() {
        return nvrtcVersion.DESC;
    }

    public static MethodHandle nvrtcVersion$handle() {
        return nvrtcVersion.HANDLE;
    }

    public static MemorySegment nvrtcVersion$address() {
        return nvrtcVersion.ADDR;
    }

    /** {@snippet lang=c : * int nvrtcVersion(int* major, int* minor) } */
    public static int nvrtcVersion(MemorySegment major, MemorySegment minor) {
        var mh$ = nvrtcVersion.HANDLE;
        try {
            return (int) mh$.invokeExact(major, minor);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class nvrtcCreateProgram {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("nvrtcCreateProgram");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor nvrtcCreateProgram$descriptor() {
        return nvrtcCreateProgram.DESC;
    }

    public static MethodHandle nvrtcCreateProgram$handle() {
        return nvrtcCreateProgram.HANDLE;
    }

    public static MemorySegment nvrtcCreateProgram$address() {
        return nvrtcCreateProgram.ADDR;
    }

    /** {@snippet lang=c : * int nvrtcCreateProgram(void** prog, char* src, char* name, int numHeaders, char** headers, char** includeNames) } */
    public static int nvrtcCreateProgram(MemorySegment prog, MemorySegment src, MemorySegment name, int numHeaders, MemorySegment headers, MemorySegment includeNames) {
        var mh$ = nvrtcCreateProgram.HANDLE;
        try {
            return (int) mh$.invokeExact(prog, src, name, numHeaders, headers, includeNames);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class nvrtcDestroyProgram {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("nvrtcDestroyProgram");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor nvrtcDestroyProgram$descriptor() {
        return nvrtcDestroyProgram.DESC;
    }

    public static MethodHandle nvrtcDestroyProgram$handle() {
        return nvrtcDestroyProgram.HANDLE;
    }

    public static MemorySegment nvrtcDestroyProgram$address() {
        return nvrtcDestroyProgram.ADDR;
    }

    /** {@snippet lang=c : * int nvrtcDestroyProgram(void** prog) } */
    public static int nvrtcDestroyProgram(MemorySegment prog) {
        var mh$ = nvrtcDestroyProgram.HANDLE;
        try {
            return (int) mh$.invokeExact(prog);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class nvrtcCompileProgram {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("nvrtcCompileProgram");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor nvrtcCompileProgram$descriptor() {
        return nvrtcCompileProgram.DESC;
    }

    public static MethodHandle nvrtcCompileProgram$handle() {
        return nvrtcCompileProgram.HANDLE;
    }

    public static MemorySegment nvrtcCompileProgram$address() {
        return nvrtcCompileProgram.ADDR;
    }

    /** {@snippet lang=c : * int nvrtcCompileProgram(void* prog, int numOptions, char** options) } */
    public static int nvrtcCompileProgram(MemorySegment prog, int numOptions, MemorySegment options) {
        var mh$ = nvrtcCompileProgram.HANDLE;
        try {
            return (int) mh$.invokeExact(prog, numOptions, options);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class nvrtcGetProgramLogSize {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("nvrtcGetProgramLogSize");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor nvrtcGetProgramLogSize$descriptor() {
        return nvrtcGetProgramLogSize.DESC;
    }

    public static MethodHandle nvrtcGetProgramLogSize$handle() {
        return nvrtcGetProgramLogSize.HANDLE;
    }

    public static MemorySegment nvrtcGetProgramLogSize$address() {
        return nvrtcGetProgramLogSize.ADDR;
    }

    /** {@snippet lang=c : * int nvrtcGetProgramLogSize(void* prog, size_t* logSizeRet) } */
    public static int nvrtcGetProgramLogSize(MemorySegment prog, MemorySegment logSizeRet) {
        var mh$ = nvrtcGetProgramLogSize.HANDLE;
        try {
            return (int) mh$.invokeExact(prog, logSizeRet);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class nvrtcGetProgramLog {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("nvrtcGetProgramLog");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor nvrtcGetProgramLog$descriptor() {
        return nvrtcGetProgramLog.DESC;
    }

    public static MethodHandle nvrtcGetProgramLog$handle() {
        return nvrtcGetProgramLog.HANDLE;
    }

    public static MemorySegment nvrtcGetProgramLog$address() {
        return nvrtcGetProgramLog.ADDR;
    }

    /** {@snippet lang=c : * int nvrtcGetProgramLog(void* prog, char* log) } */
    public static int nvrtcGetProgramLog(MemorySegment prog, MemorySegment log) {
        var mh$ = nvrtcGetProgramLog.HANDLE;
        try {
            return (int) mh$.invokeExact(prog, log);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class nvrtcGetCUBINSize {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("nvrtcGetCUBINSize");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor nvrtcGetCUBINSize$descriptor() {
        return nvrtcGetCUBINSize.DESC;
    }

    public static MethodHandle nvrtcGetCUBINSize$handle() {
        return nvrtcGetCUBINSize.HANDLE;
    }

    public static MemorySegment nvrtcGetCUBINSize$address() {
        return nvrtcGetCUBINSize.ADDR;
    }

    /** {@snippet lang=c : * int nvrtcGetCUBINSize(void* prog, size_t* cubinSizeRet) } */
    public static int nvrtcGetCUBINSize(MemorySegment prog, MemorySegment cubinSizeRet) {
        var mh$ = nvrtcGetCUBINSize.HANDLE;
        try {
            return (int) mh$.invokeExact(prog, cubinSizeRet);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class nvrtcGetCUBIN {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("nvrtcGetCUBIN");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor nvrtcGetCUBIN$descriptor() {
        return nvrtcGetCUBIN.DESC;
    }

    public static MethodHandle nvrtcGetCUBIN$handle() {
        return nvrtcGetCUBIN.HANDLE;
    }

    public static MemorySegment nvrtcGetCUBIN$address() {
        return nvrtcGetCUBIN.ADDR;
    }

    /** {@snippet lang=c : * int nvrtcGetCUBIN(void* prog, char* cubin) } */
    public static int nvrtcGetCUBIN(MemorySegment prog, MemorySegment cubin) {
        var mh$ = nvrtcGetCUBIN.HANDLE;
        try {
            return (int) mh$.invokeExact(prog, cubin);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class nvrtcGetPTXSize {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("nvrtcGetPTXSize");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor nvrtcGetPTXSize$descriptor() {
        return nvrtcGetPTXSize.DESC;
    }

    public static MethodHandle nvrtcGetPTXSize$handle() {
        return nvrtcGetPTXSize.HANDLE;
    }

    public static MemorySegment nvrtcGetPTXSize$address() {
        return nvrtcGetPTXSize.ADDR;
    }

    /** {@snippet lang=c : * int nvrtcGetPTXSize(void* prog, size_t* ptxSizeRet) } */
    public static int nvrtcGetPTXSize(MemorySegment prog, MemorySegment ptxSizeRet) {
        var mh$ = nvrtcGetPTXSize.HANDLE;
        try {
            return (int) mh$.invokeExact(prog, ptxSizeRet);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class nvrtcGetPTX {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("nvrtcGetPTX");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor nvrtcGetPTX$descriptor() {
        return nvrtcGetPTX.DESC;
    }

    public static MethodHandle nvrtcGetPTX$handle() {
        return nvrtcGetPTX.HANDLE;
    }

    public static MemorySegment nvrtcGetPTX$address() {
        return nvrtcGetPTX.ADDR;
    }

    /** {@snippet lang=c : * int nvrtcGetPTX(void* prog, char* ptx) } */
    public static int nvrtcGetPTX(MemorySegment prog, MemorySegment ptx) {
        var mh$ = nvrtcGetPTX.HANDLE;
        try {
            return (int) mh$.invokeExact(prog, ptx);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
}
