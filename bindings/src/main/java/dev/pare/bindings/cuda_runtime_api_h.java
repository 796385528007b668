// Generated in the layout of jextract from cuda_runtime_api.h (see regen-bindings.sh); edit the declarations there, not here.
package dev.pare.bindings;

import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;

/**
 * Downcalls into the CUDA runtime (libcudart.so.13). Nothing is loaded when this class initialises: each function's holder class
 * looks its symbol up on first call, through {@link CudaLibrary#RUNTIME}, so a CPU-only machine can load this class.
 * Ask {@link Cuda#available()} before the first call.
 */
@SuppressWarnings("unused")
public final class cuda_runtime_api_h {
    private cuda_runtime_api_h() {
    }

    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS;

    static MemorySegment findOrThrow(String symbol) {
        return CudaLibrary.RUNTIME.find(symbol);
    }

    public static int cudaSuccess() {
        return 0;
    }

    public static int cudaErrorMemoryAllocation() {
        return 2;
    }

    public static int cudaErrorInsufficientDriver() {
        return 35;
    }

    public static int cudaErrorNoDevice() {
        return 100;
    }

    public static int cudaMemcpyHostToHost() {
        return 0;
    }

    public static int cudaMemcpyHostToDevice() {
        return 1;
    }

    public static int cudaMemcpyDeviceToHost() {
        return 2;
    }

    public static int cudaMemcpyDeviceToDevice() {
        return 3;
    }

    public static int cudaMemcpyDefault() {
        return 4;
    }

    public static int cudaStreamNonBlocking() {
        return 1;
    }

    public static int cudaEventDefault() {
        return 0;
    }

    public static int cudaEventDisableTiming() {
        return 2;
    }

    public static int cudaHostRegisterDefault() {
        return 0;
    }

    public static int cudaDevAttrMaxSharedMemoryPerBlock() {
        return 8;
    }

    public static int cudaDevAttrMultiProcessorCount() {
        return 16;
    }

    public static int cudaDevAttrComputeCapabilityMajor() {
        return 75;
    }

    public static int cudaDevAttrComputeCapabilityMinor() {
        return 76;
    }

    public static int cudaDevAttrMaxSharedMemoryPerBlockOptin() {
        return 97;
    }

    private static class cudaGetErrorString {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cudaGetErrorString");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaGetErrorString$descriptor() {
        return cudaGetErrorString.DESC;
    }

    public static MethodHandle cudaGetErrorString$handle() {
        return cudaGetErrorString.HANDLE;
    }

    public static MemorySegment cudaGetErrorString$address() {
        return cudaGetErrorString.ADDR;
    }

    /** {@snippet lang=c : * char* cudaGetErrorString(int error) } */
    public static MemorySegment cudaGetErrorString(int error) {
        var mh$ = cudaGetErrorString.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(error);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaGetErrorName {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cudaGetErrorName");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaGetErrorName$descriptor() {
        return cudaGetErrorName.DESC;
    }

    public static MethodHandle cudaGetErrorName$handle() {
        return cudaGetErrorName.HANDLE;
    }

    public static MemorySegment cudaGetErrorName$address() {
        return cudaGetErrorName.ADDR;
    }

    /** {@snippet lang=c : * char* cudaGetErrorName(int error) } */
    public static MemorySegment cudaGetErrorName(int error) {
        var mh$ = cudaGetErrorName.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(error);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaGetLastError {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        public static final MemorySegment ADDR = findOrThrow("cudaGetLastError");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaGetLastError$descriptor() {
        return cudaGetLastError.DESC;
    }

    public static MethodHandle cudaGetLastError$handle() {
        return cudaGetLastError.HANDLE;
    }

    public static MemorySegment cudaGetLastError$address() {
        return cudaGetLastError.ADDR;
    }

    /** {@snippet lang=c : * int cudaGetLastError() } */
    public static int cudaGetLastError() {
        var mh$ = cudaGetLastError.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaDriverGetVersion {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cudaDriverGetVersion");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaDriverGetVersion$descriptor() {
        return cudaDriverGetVersion.DESC;
    }

    public static MethodHandle cudaDriverGetVersion$handle() {
        return cudaDriverGetVersion.HANDLE;
    }

    public static MemorySegment cudaDriverGetVersion$address() {
        return cudaDriverGetVersion.ADDR;
    }

    /** {@snippet lang=c : * int cudaDriverGetVersion(int* driverVersion) } */
    public static int cudaDriverGetVersion(MemorySegment driverVersion) {
        var mh$ = cudaDriverGetVersion.HANDLE;
        try {
            return (int) mh$.invokeExact(driverVersion);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaRuntimeGetVersion {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cudaRuntimeGetVersion");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaRuntimeGetVersion$descriptor() {
        return cudaRuntimeGetVersion.DESC;
    }

    public static MethodHandle cudaRuntimeGetVersion$handle() {
        return cudaRuntimeGetVersion.HANDLE;
    }

    public static MemorySegment cudaRuntimeGetVersion$address() {
        return cudaRuntimeGetVersion.ADDR;
    }

    /** {@snippet lang=c : * int cudaRuntimeGetVersion(int* runtimeVersion) } */
    public static int cudaRuntimeGetVersion(MemorySegment runtimeVersion) {
        var mh$ = cudaRuntimeGetVersion.HANDLE;
        try {
            return (int) mh$.invokeExact(runtimeVersion);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaGetDeviceCount {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cudaGetDeviceCount");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaGetDeviceCount$descriptor() {
        return cudaGetDeviceCount.DESC;
    }

    public static MethodHandle cudaGetDeviceCount$handle() {
        return cudaGetDeviceCount.HANDLE;
    }

    public static MemorySegment cudaGetDeviceCount$address() {
        return cudaGetDeviceCount.ADDR;
    }

    /** {@snippet lang=c : * int cudaGetDeviceCount(int* count) } */
    public static int cudaGetDeviceCount(MemorySegment count) {
        var mh$ = cudaGetDeviceCount.HANDLE;
        try {
            return (int) mh$.invokeExact(count);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaSetDevice {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cudaSetDevice");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaSetDevice$descriptor() {
        return cudaSetDevice.DESC;
    }

    public static MethodHandle cudaSetDevice$handle() {
        return cudaSetDevice.HANDLE;
    }

    public static MemorySegment cudaSetDevice$address() {
        return cudaSetDevice.ADDR;
    }

    /** {@snippet lang=c : * int cudaSetDevice(int device) } */
    public static int cudaSetDevice(int device) {
        var mh$ = cudaSetDevice.HANDLE;
        try {
            return (int) mh$.invokeExact(device);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaGetDevice {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cudaGetDevice");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaGetDevice$descriptor() {
        return cudaGetDevice.DESC;
    }

    public static MethodHandle cudaGetDevice$handle() {
        return cudaGetDevice.HANDLE;
    }

    public static MemorySegment cudaGetDevice$address() {
        return cudaGetDevice.ADDR;
    }

    /** {@snippet lang=c : * int cudaGetDevice(int* device) } */
    public static int cudaGetDevice(MemorySegment device) {
        var mh$ = cudaGetDevice.HANDLE;
        try {
            return (int) mh$.invokeExact(device);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaDeviceGetAttribute {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cudaDeviceGetAttribute");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaDeviceGetAttribute$descriptor() {
        return cudaDeviceGetAttribute.DESC;
    }

    public static MethodHandle cudaDeviceGetAttribute$handle() {
        return cudaDeviceGetAttribute.HANDLE;
    }

    public static MemorySegment cudaDeviceGetAttribute$address() {
        return cudaDeviceGetAttribute.ADDR;
    }

    /** {@snippet lang=c : * int cudaDeviceGetAttribute(int* value, int attr, int device) } */
    public static int cudaDeviceGetAttribute(MemorySegment value, int attr, int device) {
        var mh$ = cudaDeviceGetAttribute.HANDLE;
        try {
            return (int) mh$.invokeExact(value, attr, device);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaDeviceSynchronize {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        public static final MemorySegment ADDR = findOrThrow("cudaDeviceSynchronize");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaDeviceSynchronize$descriptor() {
        return cudaDeviceSynchronize.DESC;
    }

    public static MethodHandle cudaDeviceSynchronize$handle() {
        return cudaDeviceSynchronize.HANDLE;
    }

    public static MemorySegment cudaDeviceSynchronize$address() {
        return cudaDeviceSynchronize.ADDR;
    }

    /** {@snippet lang=c : * int cudaDeviceSynchronize() } */
    public static int cudaDeviceSynchronize() {
        var mh$ = cudaDeviceSynchronize.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaMalloc {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG);
        public static final MemorySegment ADDR = findOrThrow("cudaMalloc");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaMalloc$descriptor() {
        return cudaMalloc.DESC;
    }

    public static MethodHandle cudaMalloc$handle() {
        return cudaMalloc.HANDLE;
    }

    public static MemorySegment cudaMalloc$address() {
        return cudaMalloc.ADDR;
    }

    /** {@snippet lang=c : * int cudaMalloc(void** devPtr, size_t size) } */
    public static int cudaMalloc(MemorySegment devPtr, long size) {
        var mh$ = cudaMalloc.HANDLE;
        try {
            return (int) mh$.invokeExact(devPtr, size);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaFree {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cudaFree");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaFree$descriptor() {
        return cudaFree.DESC;
    }

    public static MethodHandle cudaFree$handle() {
        return cudaFree.HANDLE;
    }

    public static MemorySegment cudaFree$address() {
        return cudaFree.ADDR;
    }

    /** {@snippet lang=c : * int cudaFree(void* devPtr) } */
    public static int cudaFree(MemorySegment devPtr) {
        var mh$ = cudaFree.HANDLE;
        try {
            return (int) mh$.invokeExact(devPtr);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaMallocHost {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG);
        public static final MemorySegment ADDR = findOrThrow("cudaMallocHost");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaMallocHost$descriptor() {
        return cudaMallocHost.DESC;
    }

    public static MethodHandle cudaMallocHost$handle() {
        return cudaMallocHost.HANDLE;
    }

    public static MemorySegment cudaMallocHost$address() {
        return cudaMallocHost.ADDR;
    }

    /** {@snippet lang=c : * int cudaMallocHost(void** ptr, size_t size) } */
    public static int cudaMallocHost(MemorySegment ptr, long size) {
        var mh$ = cudaMallocHost.HANDLE;
        try {
            return (int) mh$.invokeExact(ptr, size);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaFreeHost {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cudaFreeHost");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaFreeHost$descriptor() {
        return cudaFreeHost.DESC;
    }

    public static MethodHandle cudaFreeHost$handle() {
        return cudaFreeHost.HANDLE;
    }

    public static MemorySegment cudaFreeHost$address() {
        return cudaFreeHost.ADDR;
    }

    /** {@snippet lang=c : * int cudaFreeHost(void* ptr) } */
    public static int cudaFreeHost(MemorySegment ptr) {
        var mh$ = cudaFreeHost.HANDLE;
        try {
            return (int) mh$.invokeExact(ptr);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaHostRegister {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cudaHostRegister");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaHostRegister$descriptor() {
        return cudaHostRegister.DESC;
    }

    public static MethodHandle cudaHostRegister$handle() {
        return cudaHostRegister.HANDLE;
    }

    public static MemorySegment cudaHostRegister$address() {
        return cudaHostRegister.ADDR;
    }

    /** {@snippet lang=c : * int cudaHostRegister(void* ptr, size_t size, unsigned flags) } */
    public static int cudaHostRegister(MemorySegment ptr, long size, int flags) {
        var mh$ = cudaHostRegister.HANDLE;
        try {
            return (int) mh$.invokeExact(ptr, size, flags);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaHostUnregister {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cudaHostUnregister");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaHostUnregister$descriptor() {
        return cudaHostUnregister.DESC;
    }

    public static MethodHandle cudaHostUnregister$handle() {
        return cudaHostUnregister.HANDLE;
    }

    public static MemorySegment cudaHostUnregister$address() {
        return cudaHostUnregister.ADDR;
    }

    /** {@snippet lang=c : * int cudaHostUnregister(void* ptr) } */
    public static int cudaHostUnregister(MemorySegment ptr) {
        var mh$ = cudaHostUnregister.HANDLE;
        try {
            return (int) mh$.invokeExact(ptr);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaMemcpy {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_LONG, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cudaMemcpy");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaMemcpy$descriptor() {
        return cudaMemcpy.DESC;
    }

    public static MethodHandle cudaMemcpy$handle() {
        return cudaMemcpy.HANDLE;
    }

    public static MemorySegment cudaMemcpy$address() {
        return cudaMemcpy.ADDR;
    }

    /** {@snippet lang=c : * int cudaMemcpy(void* dst, void* src, size_t count, int kind) } */
    public static int cudaMemcpy(MemorySegment dst, MemorySegment src, long count, int kind) {
        var mh$ = cudaMemcpy.HANDLE;
        try {
            return (int) mh$.invokeExact(dst, src, count, kind);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaMemcpyAsync {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_LONG, C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cudaMemcpyAsync");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaMemcpyAsync$descriptor() {
        return cudaMemcpyAsync.DESC;
    }

    public static MethodHandle cudaMemcpyAsync$handle() {
        return cudaMemcpyAsync.HANDLE;
    }

    public static MemorySegment cudaMemcpyAsync$address() {
        return cudaMemcpyAsync.ADDR;
    }

    /** {@snippet lang=c : * int cudaMemcpyAsync(void* dst, void* src, size_t count, int kind, void* stream) } */
    public static int cudaMemcpyAsync(MemorySegment dst, MemorySegment src, long count, int kind, MemorySegment stream) {
        var mh$ = cudaMemcpyAsync.HANDLE;
        try {
            return (int) mh$.invokeExact(dst, src, count, kind, stream);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaMemcpy2DAsync {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG, C_POINTER, C_LONG, C_LONG, C_LONG, C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cudaMemcpy2DAsync");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaMemcpy2DAsync$descriptor() {
        return cudaMemcpy2DAsync.DESC;
    }

    public static MethodHandle cudaMemcpy2DAsync$handle() {
        return cudaMemcpy2DAsync.HANDLE;
    }

    public static MemorySegment cudaMemcpy2DAsync$address() {
        return cudaMemcpy2DAsync.ADDR;
    }

    /** {@snippet lang=c : * int cudaMemcpy2DAsync(void* dst, size_t dpitch, void* src, size_t spitch, size_t width, size_t height, int kind, void* stream) } */
    public static int cudaMemcpy2DAsync(MemorySegment dst, long dpitch, MemorySegment src, long spitch, long width, long height, int kind, MemorySegment stream) {
        var mh$ = cudaMemcpy2DAsync.HANDLE;
        try {
            return (int) mh$.invokeExact(dst, dpitch, src, spitch, width, height, kind, stream);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaMemsetAsync {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_LONG, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cudaMemsetAsync");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaMemsetAsync$descriptor() {
        return cudaMemsetAsync.DESC;
    }

    public static MethodHandle cudaMemsetAsync$handle() {
        return cudaMemsetAsync.HANDLE;
    }

    public static MemorySegment cudaMemsetAsync$address() {
        return cudaMemsetAsync.ADDR;
    }

    /** {@snippet lang=c : * int cudaMemsetAsync(void* devPtr, int value, size_t count, void* stream) } */
    public static int cudaMemsetAsync(MemorySegment devPtr, int value, long count, MemorySegment stream) {
        var mh$ = cudaMemsetAsync.HANDLE;
        try {
            return (int) mh$.invokeExact(devPtr, value, count, stream);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaMemGetInfo {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cudaMemGetInfo");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaMemGetInfo$descriptor() {
        return cudaMemGetInfo.DESC;
    }

    public static MethodHandle cudaMemGetInfo$handle() {
        return cudaMemGetInfo.HANDLE;
    }

    public static MemorySegment cudaMemGetInfo$address() {
        return cudaMemGetInfo.ADDR;
    }

    /** {@snippet lang=c : * int cudaMemGetInfo(size_t* free, size_t* total) } */
    public static int cudaMemGetInfo(MemorySegment free, MemorySegment total) {
        var mh$ = cudaMemGetInfo.HANDLE;
        try {
            return (int) mh$.invokeExact(free, total);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaStreamCreateWithFlags {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cudaStreamCreateWithFlags");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaStreamCreateWithFlags$descriptor() {
        return cudaStreamCreateWithFlags.DESC;
    }

    public static MethodHandle cudaStreamCreateWithFlags$handle() {
        return cudaStreamCreateWithFlags.HANDLE;
    }

    public static MemorySegment cudaStreamCreateWithFlags$address() {
        return cudaStreamCreateWithFlags.ADDR;
    }

    /** {@snippet lang=c : * int cudaStreamCreateWithFlags(void** pStream, unsigned flags) } */
    public static int cudaStreamCreateWithFlags(MemorySegment pStream, int flags) {
        var mh$ = cudaStreamCreateWithFlags.HANDLE;
        try {
            return (int) mh$.invokeExact(pStream, flags);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaStreamDestroy {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cudaStreamDestroy");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaStreamDestroy$descriptor() {
        return cudaStreamDestroy.DESC;
    }

    public static MethodHandle cudaStreamDestroy$handle() {
        return cudaStreamDestroy.HANDLE;
    }

    public static MemorySegment cudaStreamDestroy$address() {
        return cudaStreamDestroy.ADDR;
    }

    /** {@snippet lang=c : * int cudaStreamDestroy(void* stream) } */
    public static int cudaStreamDestroy(MemorySegment stream) {
        var mh$ = cudaStreamDestroy.HANDLE;
        try {
            return (int) mh$.invokeExact(stream);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaStreamSynchronize {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cudaStreamSynchronize");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaStreamSynchronize$descriptor() {
        return cudaStreamSynchronize.DESC;
    }

    public static MethodHandle cudaStreamSynchronize$handle() {
        return cudaStreamSynchronize.HANDLE;
    }

    public static MemorySegment cudaStreamSynchronize$address() {
        return cudaStreamSynchronize.ADDR;
    }

    /** {@snippet lang=c : * int cudaStreamSynchronize(void* stream) } */
    public static int cudaStreamSynchronize(MemorySegment stream) {
        var mh$ = cudaStreamSynchronize.HANDLE;
        try {
            return (int) mh$.invokeExact(stream);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaStreamWaitEvent {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cudaStreamWaitEvent");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaStreamWaitEvent$descriptor() {
        return cudaStreamWaitEvent.DESC;
    }

    public static MethodHandle cudaStreamWaitEvent$handle() {
        return cudaStreamWaitEvent.HANDLE;
    }

    public static MemorySegment cudaStreamWaitEvent$address() {
        return cudaStreamWaitEvent.ADDR;
    }

    /** {@snippet lang=c : * int cudaStreamWaitEvent(void* stream, void* event, unsigned flags) } */
    public static int cudaStreamWaitEvent(MemorySegment stream, MemorySegment event, int flags) {
        var mh$ = cudaStreamWaitEvent.HANDLE;
        try {
            return (int) mh$.invokeExact(stream, event, flags);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaEventCreate {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cudaEventCreate");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaEventCreate$descriptor() {
        return cudaEventCreate.DESC;
    }

    public static MethodHandle cudaEventCreate$handle() {
        return cudaEventCreate.HANDLE;
    }

    public static MemorySegment cudaEventCreate$address() {
        return cudaEventCreate.ADDR;
    }

    /** {@snippet lang=c : * int cudaEventCreate(void** event) } */
    public static int cudaEventCreate(MemorySegment event) {
        var mh$ = cudaEventCreate.HANDLE;
        try {
            return (int) mh$.invokeExact(event);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaEventCreateWithFlags {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cudaEventCreateWithFlags");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaEventCreateWithFlags$descriptor() {
        return cudaEventCreateWithFlags.DESC;
    }

    public static MethodHandle cudaEventCreateWithFlags$handle() {
        return cudaEventCreateWithFlags.HANDLE;
    }

    public static MemorySegment cudaEventCreateWithFlags$address() {
        return cudaEventCreateWithFlags.ADDR;
    }

    /** {@snippet lang=c : * int cudaEventCreateWithFlags(void** event, unsigned flags) } */
    public static int cudaEventCreateWithFlags(MemorySegment event, int flags) {
        var mh$ = cudaEventCreateWithFlags.HANDLE;
        try {
            return (int) mh$.invokeExact(event, flags);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaEventRecord {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cudaEventRecord");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaEventRecord$descriptor() {
        return cudaEventRecord.DESC;
    }

    public static MethodHandle cudaEventRecord$handle() {
        return cudaEventRecord.HANDLE;
    }

    public static MemorySegment cudaEventRecord$address() {
        return cudaEventRecord.ADDR;
    }

    /** {@snippet lang=c : * int cudaEventRecord(void* event, void* stream) } */
    public static int cudaEventRecord(MemorySegment event, MemorySegment stream) {
        var mh$ = cudaEventRecord.HANDLE;
        try {
            return (int) mh$.invokeExact(event, stream);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaEventSynchronize {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cudaEventSynchronize");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaEventSynchronize$descriptor() {
        return cudaEventSynchronize.DESC;
    }

    public static MethodHandle cudaEventSynchronize$handle() {
        return cudaEventSynchronize.HANDLE;
    }

    public static MemorySegment cudaEventSynchronize$address() {
        return cudaEventSynchronize.ADDR;
    }

    /** {@snippet lang=c : * int cudaEventSynchronize(void* event) } */
    public static int cudaEventSynchronize(MemorySegment event) {
        var mh$ = cudaEventSynchronize.HANDLE;
        try {
            return (int) mh$.invokeExact(event);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaEventElapsedTime {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cudaEventElapsedTime");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaEventElapsedTime$descriptor() {
        return cudaEventElapsedTime.DESC;
    }

    public static MethodHandle cudaEventElapsedTime$handle() {
        return cudaEventElapsedTime.HANDLE;
    }

    public static MemorySegment cudaEventElapsedTime$address() {
        return cudaEventElapsedTime.ADDR;
    }

    /** {@snippet lang=c : * int cudaEventElapsedTime(float* ms, void* start, void* end) } */
    public static int cudaEventElapsedTime(MemorySegment ms, MemorySegment start, MemorySegment end) {
        var mh$ = cudaEventElapsedTime.HANDLE;
        try {
            return (int) mh$.invokeExact(ms, start, end);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cudaEventDestroy {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cudaEventDestroy");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cudaEventDestroy$descriptor() {
        return cudaEventDestroy.DESC;
    }

    public static MethodHandle cudaEventDestroy$handle() {
        return cudaEventDestroy.HANDLE;
    }

    public static MemorySegment cudaEventDestroy$address() {
        return cudaEventDestroy.ADDR;
    }

    /** {@snippet lang=c : * int cudaEventDestroy(void* event) } */
    public static int cudaEventDestroy(MemorySegment event) {
        var mh$ = cudaEventDestroy.HANDLE;
        try {
            return (int) mh$.invokeExact(event);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
}
