// Generated in the layout of jextract from cuda.h (see regen-bindings.sh); edit the declarations there, not here.
package dev.pare.bindings;

import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;

/**
 * Downcalls into the CUDA driver API (libcuda.so.1). Nothing is loaded when this class initialises: each function's holder class
 * looks its symbol up on first call, through {@link CudaLibrary#DRIVER}, so a CPU-only machine can load this class.
 * Ask {@link Cuda#available()} before the first call.
 */
@SuppressWarnings("unused")
public final class cuda_h {
    private cuda_h() {
    }

    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS;

    static MemorySegment findOrThrow(String symbol) {
        return CudaLibrary.DRIVER.find(symbol);
    }

    public static int CUDA_SUCCESS() {
        return 0;
    }

    public static int CUDA_ERROR_OUT_OF_MEMORY() {
        return 2;
    }

    public static int CUDA_ERROR_NOT_INITIALIZED() {
        return 3;
    }

    public static int CUDA_ERROR_NO_DEVICE() {
        return 100;
    }

    public static int CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES() {
        return 8;
    }

    private static class cuInit {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cuInit");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cuInit$descriptor() {
        return cuInit.DESC;
    }

    public static MethodHandle cuInit$handle() {
        return cuInit.HANDLE;
    }

    public static MemorySegment cuInit$address() {
        return cuInit.ADDR;
    }

    /** {@snippet lang=c : * int cuInit(unsigned Flags) } */
    public static int cuInit(int Flags) {
        var mh$ = cuInit.HANDLE;
        try {
            return (int) mh$.invokeExact(Flags);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cuDriverGetVersion {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cuDriverGetVersion");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cuDriverGetVersion$descriptor() {
        return cuDriverGetVersion.DESC;
    }

    public static MethodHandle cuDriverGetVersion$handle() {
        return cuDriverGetVersion.HANDLE;
    }

    public static MemorySegment cuDriverGetVersion$address() {
        return cuDriverGetVersion.ADDR;
    }

    /** {@snippet lang=c : * int cuDriverGetVersion(int* driverVersion) } */
    public static int cuDriverGetVersion(MemorySegment driverVersion) {
        var mh$ = cuDriverGetVersion.HANDLE;
        try {
            return (int) mh$.invokeExact(driverVersion);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cuDeviceGet {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cuDeviceGet");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cuDeviceGet$descriptor() {
        return cuDeviceGet.DESC;
    }

    public static MethodHandle cuDeviceGet$handle() {
        return cuDeviceGet.HANDLE;
    }

    public static MemorySegment cuDeviceGet$address() {
        return cuDeviceGet.ADDR;
    }

    /** {@snippet lang=c : * int cuDeviceGet(int* device, int ordinal) } */
    public static int cuDeviceGet(MemorySegment device, int ordinal) {
        var mh$ = cuDeviceGet.HANDLE;
        try {
            return (int) mh$.invokeExact(device, ordinal);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cuDeviceGetCount {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cuDeviceGetCount");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cuDeviceGetCount$descriptor() {
        return cuDeviceGetCount.DESC;
    }

    public static MethodHandle cuDeviceGetCount$handle() {
        return cuDeviceGetCount.HANDLE;
    }

    public static MemorySegment cuDeviceGetCount$address() {
        return cuDeviceGetCount.ADDR;
    }

    /** {@snippet lang=c : * int cuDeviceGetCount(int* count) } */
    public static int cuDeviceGetCount(MemorySegment count) {
        var mh$ = cuDeviceGetCount.HANDLE;
        try {
            return (int) mh$.invokeExact(count);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cuDeviceGetName {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cuDeviceGetName");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cuDeviceGetName$descriptor() {
        return cuDeviceGetName.DESC;
    }

    public static MethodHandle cuDeviceGetName$handle() {
        return cuDeviceGetName.HANDLE;
    }

    public static MemorySegment cuDeviceGetName$address() {
        return cuDeviceGetName.ADDR;
    }

    /** {@snippet lang=c : * int cuDeviceGetName(char* name, int len, int dev) } */
    public static int cuDeviceGetName(MemorySegment name, int len, int dev) {
        var mh$ = cuDeviceGetName.HANDLE;
        try {
            return (int) mh$.invokeExact(name, len, dev);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cuDevicePrimaryCtxRetain {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cuDevicePrimaryCtxRetain");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cuDevicePrimaryCtxRetain$descriptor() {
        return cuDevicePrimaryCtxRetain.DESC;
    }

    public static MethodHandle cuDevicePrimaryCtxRetain$handle() {
        return cuDevicePrimaryCtxRetain.HANDLE;
    }

    public static MemorySegment cuDevicePrimaryCtxRetain$address() {
        return cuDevicePrimaryCtxRetain.ADDR;
    }

    /** {@snippet lang=c : * int cuDevicePrimaryCtxRetain(void** pctx, int dev) } */
    public static int cuDevicePrimaryCtxRetain(MemorySegment pctx, int dev) {
        var mh$ = cuDevicePrimaryCtxRetain.HANDLE;
        try {
            return (int) mh$.invokeExact(pctx, dev);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cuDevicePrimaryCtxRelease_v2 {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cuDevicePrimaryCtxRelease_v2");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cuDevicePrimaryCtxRelease_v2$descriptor() {
        return cuDevicePrimaryCtxRelease_v2.DESC;
    }

    public static MethodHandle cuDevicePrimaryCtxRelease_v2$handle() {
        return cuDevicePrimaryCtxRelease_v2.HANDLE;
    }

    public static MemorySegment cuDevicePrimaryCtxRelease_v2$address() {
        return cuDevicePrimaryCtxRelease_v2.ADDR;
    }

    /** {@snippet lang=c : * int cuDevicePrimaryCtxRelease_v2(int dev) } */
    public static int cuDevicePrimaryCtxRelease_v2(int dev) {
        var mh$ = cuDevicePrimaryCtxRelease_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(dev);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cuCtxSetCurrent {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cuCtxSetCurrent");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cuCtxSetCurrent$descriptor() {
        return cuCtxSetCurrent.DESC;
    }

    public static MethodHandle cuCtxSetCurrent$handle() {
        return cuCtxSetCurrent.HANDLE;
    }

    public static MemorySegment cuCtxSetCurrent$address() {
        return cuCtxSetCurrent.ADDR;
    }

    /** {@snippet lang=c : * int cuCtxSetCurrent(void* ctx) } */
    public static int cuCtxSetCurrent(MemorySegment ctx) {
        var mh$ = cuCtxSetCurrent.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cuCtxGetCurrent {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cuCtxGetCurrent");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cuCtxGetCurrent$descriptor() {
        return cuCtxGetCurrent.DESC;
    }

    public static MethodHandle cuCtxGetCurrent$handle() {
        return cuCtxGetCurrent.HANDLE;
    }

    public static MemorySegment cuCtxGetCurrent$address() {
        return cuCtxGetCurrent.ADDR;
    }

    /** {@snippet lang=c : * int cuCtxGetCurrent(void** pctx) } */
    public static int cuCtxGetCurrent(MemorySegment pctx) {
        var mh$ = cuCtxGetCurrent.HANDLE;
        try {
            return (int) mh$.invokeExact(pctx);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cuModuleLoadData {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cuModuleLoadData");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cuModuleLoadData$descriptor() {
        return cuModuleLoadData.DESC;
    }

    public static MethodHandle cuModuleLoadData$handle() {
        return cuModuleLoadData.HANDLE;
    }

    public static MemorySegment cuModuleLoadData$address() {
        return cuModuleLoadData.ADDR;
    }

    /** {@snippet lang=c : * int cuModuleLoadData(void** module, void* image) } */
    public static int cuModuleLoadData(MemorySegment module, MemorySegment image) {
        var mh$ = cuModuleLoadData.HANDLE;
        try {
            return (int) mh$.invokeExact(module, image);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cuModuleUnload {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cuModuleUnload");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cuModuleUnload$descriptor() {
        return cuModuleUnload.DESC;
    }

    public static MethodHandle cuModuleUnload$handle() {
        return cuModuleUnload.HANDLE;
    }

    public static MemorySegment cuModuleUnload$address() {
        return cuModuleUnload.ADDR;
    }

    /** {@snippet lang=c : * int cuModuleUnload(void* hmod) } */
    public static int cuModuleUnload(MemorySegment hmod) {
        var mh$ = cuModuleUnload.HANDLE;
        try {
            return (int) mh$.invokeExact(hmod);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cuModuleGetFunction {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cuModuleGetFunction");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cuModuleGetFunction$descriptor() {
        return cuModuleGetFunction.DESC;
    }

    public static MethodHandle cuModuleGetFunction$handle() {
        return cuModuleGetFunction.HANDLE;
    }

    public static MemorySegment cuModuleGetFunction$address() {
        return cuModuleGetFunction.ADDR;
    }

    /** {@snippet lang=c : * int cuModuleGetFunction(void** hfunc, void* hmod, char* name) } */
    public static int cuModuleGetFunction(MemorySegment hfunc, MemorySegment hmod, MemorySegment name) {
        var mh$ = cuModuleGetFunction.HANDLE;
        try {
            return (int) mh$.invokeExact(hfunc, hmod, name);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cuFuncSetAttribute {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT);
        public static final MemorySegment ADDR = findOrThrow("cuFuncSetAttribute");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cuFuncSetAttribute$descriptor() {
        return cuFuncSetAttribute.DESC;
    }

    public static MethodHandle cuFuncSetAttribute$handle() {
        return cuFuncSetAttribute.HANDLE;
    }

    public static MemorySegment cuFuncSetAttribute$address() {
        return cuFuncSetAttribute.ADDR;
    }

    /** {@snippet lang=c : * int cuFuncSetAttribute(void* hfunc, int attrib, int value) } */
    public static int cuFuncSetAttribute(MemorySegment hfunc, int attrib, int value) {
        var mh$ = cuFuncSetAttribute.HANDLE;
        try {
            return (int) mh$.invokeExact(hfunc, attrib, value);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cuLaunchKernel {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cuLaunchKernel");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cuLaunchKernel$descriptor() {
        return cuLaunchKernel.DESC;
    }

    public static MethodHandle cuLaunchKernel$handle() {
        return cuLaunchKernel.HANDLE;
    }

    public static MemorySegment cuLaunchKernel$address() {
        return cuLaunchKernel.ADDR;
    }

    /** {@snippet lang=c : * int cuLaunchKernel(void* f, unsigned gridDimX, unsigned gridDimY, unsigned gridDimZ, unsigned blockDimX, unsigned blockDimY, unsigned blockDimZ, unsigned sharedMemBytes, void* hStream, void** kernelParams, void** extra) } */
    public static int cuLaunchKernel(MemorySegment f, int gridDimX, int gridDimY, int gridDimZ, int blockDimX, int blockDimY, int blockDimZ, int sharedMemBytes, MemorySegment hStream, MemorySegment kernelParams, MemorySegment extra) {
        var mh$ = cuLaunchKernel.HANDLE;
        try {
            return (int) mh$.invokeExact(f, gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ, sharedMemBytes, hStream, kernelParams, extra);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cuGetErrorString {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cuGetErrorString");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cuGetErrorString$descriptor() {
        return cuGetErrorString.DESC;
    }

    public static MethodHandle cuGetErrorString$handle() {
        return cuGetErrorString.HANDLE;
    }

    public static MemorySegment cuGetErrorString$address() {
        return cuGetErrorString.ADDR;
    }

    /** {@snippet lang=c : * int cuGetErrorString(int error, char** pStr) } */
    public static int cuGetErrorString(int error, MemorySegment pStr) {
        var mh$ = cuGetErrorString.HANDLE;
        try {
            return (int) mh$.invokeExact(error, pStr);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class cuGetErrorName {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER);
        public static final MemorySegment ADDR = findOrThrow("cuGetErrorName");
        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cuGetErrorName$descriptor() {
        return cuGetErrorName.DESC;
    }

    public static MethodHandle cuGetErrorName$handle() {
        return cuGetErrorName.HANDLE;
    }

    public static MemorySegment cuGetErrorName$address() {
        return cuGetErrorName.ADDR;
    }

    /** {@snippet lang=c : * int cuGetErrorName(int error, char** pStr) } */
    public static int cuGetErrorName(int error, MemorySegment pStr) {
        var mh$ = cuGetErrorName.HANDLE;
        try {
            return (int) mh$.invokeExact(error, pStr);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
}
