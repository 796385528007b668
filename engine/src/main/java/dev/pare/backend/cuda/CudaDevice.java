package dev.pare.backend.cuda;

import dev.pare.PareException;
import dev.pare.bindings.Cuda;
import dev.pare.bindings.CudaCheck;
import dev.pare.bindings.cublas_api_h;
import dev.pare.bindings.cuda_h;
import dev.pare.bindings.cuda_runtime_api_h;
import dev.pare.bindings.cusolverDn_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;

/**
 * One GPU as Pare uses it: its primary context, one non-blocking stream on which every copy, kernel, cuBLAS and
 * cuSOLVER call is ordered, the cuBLAS and cuSOLVER handles bound to that stream, the memory pool, the staging buffers
 * and the compiled kernel modules. Not thread-safe: {@code CudaBackend} serialises its ops.
 */
public final class CudaDevice implements AutoCloseable {
    private final int ordinal;
    private final String name;
    private final int major, minor, multiprocessors;
    private final MemorySegment context;
    private final MemorySegment stream;
    private final MemorySegment cublas;
    private final MemorySegment cusolver;
    private final DeviceMemory memory;
    private final HostTransfer transfer;
    private final Map<String, MemorySegment> modules = new HashMap<>();
    private final Map<String, MemorySegment> functions = new HashMap<>();
    /** Launch arguments: one slot of 8 bytes per parameter and the pointer array to them, reused by every launch. */
    private final Arena argsArena = Arena.ofShared();
    private final MemorySegment argSlots = argsArena.allocate(8L * 32, 8);
    private final MemorySegment argPointers = argsArena.allocate(ValueLayout.ADDRESS, 32);
    private final boolean syncEveryLaunch = Boolean.getBoolean("pare.cuda.sync");
    private Thread boundThread;

    /** Opens device {@code ordinal}; throws {@link dev.pare.bindings.CudaUnavailableException}-style messages when CUDA is not usable. */
    public CudaDevice(int ordinal) {
        if (!Cuda.available()) throw new PareException("CUDA is not available: " + Cuda.unavailableReason());
        this.ordinal = ordinal;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment i = arena.allocate(ValueLayout.JAVA_INT), p = arena.allocate(ValueLayout.ADDRESS);
            CudaCheck.cu("cuInit", cuda_h.cuInit(0));
            CudaCheck.cu("cuDeviceGet(" + ordinal + ")", cuda_h.cuDeviceGet(i, ordinal));
            int device = i.get(ValueLayout.JAVA_INT, 0);
            CudaCheck.cu("cuDevicePrimaryCtxRetain", cuda_h.cuDevicePrimaryCtxRetain(p, device));
            context = p.get(ValueLayout.ADDRESS, 0);
            CudaCheck.cu("cuCtxSetCurrent", cuda_h.cuCtxSetCurrent(context));
            CudaCheck.cuda("cudaSetDevice(" + ordinal + ")", cuda_runtime_api_h.cudaSetDevice(ordinal));
            boundThread = Thread.currentThread();
            major = attribute(cuda_runtime_api_h.cudaDevAttrComputeCapabilityMajor(), arena);
            minor = attribute(cuda_runtime_api_h.cudaDevAttrComputeCapabilityMinor(), arena);
            multiprocessors = attribute(cuda_runtime_api_h.cudaDevAttrMultiProcessorCount(), arena);
            name = deviceName(device, arena);
            CudaCheck.cuda("cudaStreamCreateWithFlags", cuda_runtime_api_h.cudaStreamCreateWithFlags(p, cuda_runtime_api_h.cudaStreamNonBlocking()));
            stream = p.get(ValueLayout.ADDRESS, 0);
            CudaCheck.cublas("cublasCreate_v2", cublas_api_h.cublasCreate_v2(p));
            cublas = p.get(ValueLayout.ADDRESS, 0);
            CudaCheck.cublas("cublasSetStream_v2", cublas_api_h.cublasSetStream_v2(cublas, stream));
            // FP32 means FP32: no TF32 in the compression GEMMs whatever the environment says.
            CudaCheck.cublas("cublasSetMathMode", cublas_api_h.cublasSetMathMode(cublas, cublas_api_h.CUBLAS_DEFAULT_MATH()));
            CudaCheck.cusolver("cusolverDnCreate", cusolverDn_h.cusolverDnCreate(p));
            cusolver = p.get(ValueLayout.ADDRESS, 0);
            CudaCheck.cusolver("cusolverDnSetStream", cusolverDn_h.cusolverDnSetStream(cusolver, stream));
            memory = new DeviceMemory(DeviceMemory.info()[1]);
            transfer = new HostTransfer(stream);
        }
    }

    private int attribute(int attr, Arena arena) {
        MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
        CudaCheck.cuda("cudaDeviceGetAttribute(" + attr + ")", cuda_runtime_api_h.cudaDeviceGetAttribute(v, attr, ordinal));
        return v.get(ValueLayout.JAVA_INT, 0);
    }

    /** "NVIDIA H100 80GB HBM3 (sm_90, 132 SMs, 81,079.4 MiB)": what the results tables name the card by. */
    private String deviceName(int device, Arena arena) {
        MemorySegment chars = arena.allocate(256);
        CudaCheck.cu("cuDeviceGetName", cuda_h.cuDeviceGetName(chars, 256, device));
        return chars.getString(0) + " (sm_" + major + minor + ", " + multiprocessors + " SMs, " + DeviceMemory.mib(DeviceMemory.info()[1]) + ")";
    }

    /** Makes this device's context current on the calling thread (the driver API needs it per thread). */
    public void bind() {
        Thread t = Thread.currentThread();
        if (t == boundThread) return;
        CudaCheck.cu("cuCtxSetCurrent", cuda_h.cuCtxSetCurrent(context));
        CudaCheck.cuda("cudaSetDevice(" + ordinal + ")", cuda_runtime_api_h.cudaSetDevice(ordinal));
        boundThread = t;
    }

    public String name() {
        return name;
    }

    public int computeMajor() {
        return major;
    }

    public int computeMinor() {
        return minor;
    }

    public int multiprocessors() {
        return multiprocessors;
    }

    public MemorySegment stream() {
        return stream;
    }

    public MemorySegment cublas() {
        return cublas;
    }

    public MemorySegment cusolver() {
        return cusolver;
    }

    public DeviceMemory memory() {
        return memory;
    }

    public DeviceBuffer allocate(long bytes, String what) {
        return memory.allocate(bytes, what);
    }

    public void upload(MemorySegment host, long device, long bytes) {
        transfer.upload(host, device, bytes);
    }

    public void download(long device, MemorySegment host, long bytes) {
        transfer.download(device, host, bytes);
    }

    public void upload2d(MemorySegment host, long hostPitch, long device, long devicePitch, long width, long height) {
        transfer.upload2d(host, hostPitch, device, devicePitch, width, height);
    }

    public void download2d(long device, long devicePitch, MemorySegment host, long hostPitch, long width, long height) {
        transfer.download2d(device, devicePitch, host, hostPitch, width, height);
    }

    /** Waits for everything queued on the stream. */
    public void sync() {
        CudaCheck.cuda("cudaStreamSynchronize", cuda_runtime_api_h.cudaStreamSynchronize(stream));
    }

    public void memset(long device, long bytes) {
        CudaCheck.cuda("cudaMemsetAsync", cuda_runtime_api_h.cudaMemsetAsync(MemorySegment.ofAddress(device), 0, bytes, stream));
    }

    /** Launch parameters of {@link #launch}: boxed ints, longs (device addresses), floats and doubles. */
    public void launch(String file, String kernel, long gridX, int gridY, int blockX, int blockY, int sharedBytes, Object... args) {
        MemorySegment f = function(file, kernel);
        if (args.length > 32) throw new IllegalArgumentException(kernel + ": more than 32 parameters");
        for (int a = 0; a < args.length; a++) {
            long off = 8L * a;
            switch (args[a]) {
                case Integer v -> argSlots.set(ValueLayout.JAVA_INT, off, v);
                case Long v -> argSlots.set(ValueLayout.JAVA_LONG, off, v);
                case Float v -> argSlots.set(ValueLayout.JAVA_FLOAT, off, v);
                case Double v -> argSlots.set(ValueLayout.JAVA_DOUBLE, off, v);
                case DeviceBuffer b -> argSlots.set(ValueLayout.JAVA_LONG, off, b.address());
                default -> throw new IllegalArgumentException(kernel + ": parameter " + a + " of type " + args[a].getClass().getSimpleName());
            }
            argPointers.setAtIndex(ValueLayout.ADDRESS, a, argSlots.asSlice(off, 8));
        }
        if (gridX > Integer.MAX_VALUE) throw new IllegalArgumentException(kernel + ": grid of " + gridX + " blocks");
        CudaCheck.cu("cuLaunchKernel(" + kernel + ", grid " + gridX + "x" + gridY + ", block " + blockX + "x" + blockY + ")",
                cuda_h.cuLaunchKernel(f, (int) gridX, gridY, 1, blockX, blockY, 1, sharedBytes, stream, argPointers, MemorySegment.NULL));
        if (syncEveryLaunch) {
            sync();
            CudaCheck.cuda("after " + kernel, cuda_runtime_api_h.cudaGetLastError());
        }
    }

    /** Grid-stride kernels: enough blocks of 256 threads to fill the device, and no more than the work needs. */
    public long gridFor(long elements) {
        return Math.max(1, Math.min((elements + 255) / 256, 8L * multiprocessors));
    }

    private MemorySegment function(String file, String kernel) {
        String key = file + ":" + kernel;
        MemorySegment f = functions.get(key);
        if (f != null) return f;
        MemorySegment module = modules.get(file);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(ValueLayout.ADDRESS);
            if (module == null) {
                byte[] cubin = KernelCompiler.cubin(file, major, minor);
                MemorySegment image = arena.allocate(cubin.length + 1L, 16);
                MemorySegment.copy(cubin, 0, image, ValueLayout.JAVA_BYTE, 0, cubin.length);
                CudaCheck.cu("cuModuleLoadData(" + file + ")", cuda_h.cuModuleLoadData(p, image));
                module = p.get(ValueLayout.ADDRESS, 0);
                modules.put(file, module);
            }
            CudaCheck.cu("cuModuleGetFunction(" + kernel + ")", cuda_h.cuModuleGetFunction(p, module, arena.allocateFrom(kernel)));
            f = p.get(ValueLayout.ADDRESS, 0);
            functions.put(key, f);
            return f;
        }
    }

    /** Compiles and loads every kernel file now, so that timings and first ops do not pay for NVRTC. */
    public void warmUp(String... files) {
        for (String file : files) function(file, switch (file) {
            case "obs.cu" -> "obs_block_sweep";
            case "forward.cu" -> "rms_norm";
            default -> "reverse_elements";
        });
    }

    @Override
    public void close() {
        bind();
        sync();
        transfer.close();
        memory.close();
        for (MemorySegment m : modules.values()) cuda_h.cuModuleUnload(m);
        cusolverDn_h.cusolverDnDestroy(cusolver);
        cublas_api_h.cublasDestroy_v2(cublas);
        cuda_runtime_api_h.cudaStreamDestroy(stream);
        argsArena.close();
        cuda_h.cuDevicePrimaryCtxRelease_v2(ordinal);
    }
}
