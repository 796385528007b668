package dev.pare.backend.cuda;

import dev.pare.bindings.CudaCheck;
import dev.pare.bindings.CudaException;
import dev.pare.bindings.cuda_runtime_api_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Device memory with a cache of released blocks, by size class: the sweep and the forward pass ask for the same sizes
 * over and over, and cudaMalloc/cudaFree synchronise the whole device. When the device says out of memory, the cache is
 * freed and the allocation tried once more; then {@link GpuOutOfMemoryException} says how much was asked and what is free.
 */
public final class DeviceMemory implements AutoCloseable {
    private static final long MIB = 1 << 20;
    private final Map<Long, ArrayDeque<Long>> cached = new HashMap<>();
    private long cachedBytes, liveBytes, peakBytes;
    /** Cache at most this much; beyond it, released blocks are freed at once. */
    private final long cacheLimit;

    DeviceMemory(long totalBytes) {
        this.cacheLimit = totalBytes / 4;
    }

    /** "1,024.0 MiB" */
    static String mib(long bytes) {
        return String.format("%,.1f MiB", bytes / (double) MIB);
    }

    /** Small blocks in powers of two, large ones in 2 MiB steps: few classes, little waste. */
    private static long sizeClass(long bytes) {
        if (bytes <= 512) return 512;
        if (bytes < MIB) return Long.highestOneBit(bytes - 1) << 1;
        return (bytes + 2 * MIB - 1) / (2 * MIB) * (2 * MIB);
    }

    /** {@code bytes} of device memory for {@code what} (named in an out-of-memory message). */
    public synchronized DeviceBuffer allocate(long bytes, String what) {
        long size = sizeClass(Math.max(bytes, 1));
        ArrayDeque<Long> free = cached.get(size);
        if (free != null && !free.isEmpty()) {
            cachedBytes -= size;
            return live(free.pop(), bytes, size);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(ValueLayout.ADDRESS);
            int status = cuda_runtime_api_h.cudaMalloc(p, size);
            if (status == cuda_runtime_api_h.cudaErrorMemoryAllocation()) {
                cuda_runtime_api_h.cudaGetLastError(); // clear the sticky-free error before retrying
                trim();
                status = cuda_runtime_api_h.cudaMalloc(p, size);
            }
            if (status != 0) {
                CudaException e = CudaCheck.cudaError("cudaMalloc(" + size + " bytes for " + what + ")", status);
                cuda_runtime_api_h.cudaGetLastError();
                if (e.outOfMemory()) {
                    long[] info = info();
                    throw new GpuOutOfMemoryException(what, size, info[0], info[1], liveBytes, e);
                }
                throw e;
            }
            return live(p.get(ValueLayout.ADDRESS, 0).address(), bytes, size);
        }
    }

    private DeviceBuffer live(long address, long bytes, long size) {
        liveBytes += size;
        peakBytes = Math.max(peakBytes, liveBytes);
        return new DeviceBuffer(this, address, bytes, size);
    }

    synchronized void release(DeviceBuffer b) {
        liveBytes -= b.capacity();
        if (cachedBytes + b.capacity() > cacheLimit) {
            free(b.address());
            return;
        }
        cached.computeIfAbsent(b.capacity(), k -> new ArrayDeque<>()).push(b.address());
        cachedBytes += b.capacity();
    }

    /** Frees every cached block on the device. */
    public synchronized void trim() {
        for (ArrayDeque<Long> q : cached.values()) for (long p : q) free(p);
        cached.clear();
        cachedBytes = 0;
    }

    private static void free(long address) {
        CudaCheck.cuda("cudaFree", cuda_runtime_api_h.cudaFree(MemorySegment.ofAddress(address)));
    }

    /** {free, total} bytes of the device, as cudaMemGetInfo reports them. */
    public static long[] info() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(ValueLayout.JAVA_LONG), total = arena.allocate(ValueLayout.JAVA_LONG);
            CudaCheck.cuda("cudaMemGetInfo", cuda_runtime_api_h.cudaMemGetInfo(free, total));
            return new long[]{free.get(ValueLayout.JAVA_LONG, 0), total.get(ValueLayout.JAVA_LONG, 0)};
        }
    }

    /** Bytes handed out and not yet released. */
    public synchronized long liveBytes() {
        return liveBytes;
    }

    /** The most bytes handed out at once since this pool was made. */
    public synchronized long peakBytes() {
        return peakBytes;
    }

    @Override
    public synchronized void close() {
        trim();
    }
}
