package dev.pare.backend.cuda;

import dev.pare.bindings.CudaCheck;
import dev.pare.bindings.cuda_runtime_api_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.stream.IntStream;

/**
 * Copies between host segments (ordinary, pageable memory) and the device through two pinned staging buffers: the
 * host-side copy into one buffer overlaps the DMA out of the other. Pageable memory cannot be DMA'd directly, and the
 * driver's own staging for it is synchronous; this way a copy of a few hundred MiB runs at the slower of memcpy and PCIe.
 * Row-pitched copies (a column window of a row-major matrix) go the same way, packed in the staging buffer.
 * All copies are ordered on the device's stream; an upload may return before its last DMA ends (the data is already
 * out of the host segment), a download returns when the host segment holds the data.
 */
final class HostTransfer implements AutoCloseable {
    /** Bytes per staging buffer: large enough to amortise a DMA and to split the host copy over several threads. */
    static final long STAGE = 32L << 20;
    /** Below this a host-side copy runs on the caller's thread; above it, on up to {@link #COPY_THREADS} threads. */
    private static final long PARALLEL_COPY = 2L << 20;
    /** One thread's memcpy reaches ~10 GB/s; PCIe 5 takes ~50: a few threads keep the DMA fed. */
    private static final int COPY_THREADS = Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors() / 2));
    private static final ForkJoinPool COPIERS = new ForkJoinPool(COPY_THREADS, pool -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("pare-cuda-copy-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
    }, null, false);
    /** A thread that is not the caller: segments it may access can be copied by the pool (confined ones cannot). */
    private static final Thread OTHER_THREAD = new Thread(() -> { });

    private final MemorySegment stream;
    private final MemorySegment[] stage = new MemorySegment[2];
    private final MemorySegment[] done = new MemorySegment[2];
    private final boolean[] pending = new boolean[2];

    HostTransfer(MemorySegment stream) {
        this.stream = stream;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(ValueLayout.ADDRESS);
            for (int b = 0; b < 2; b++) {
                CudaCheck.cuda("cudaMallocHost(" + STAGE + " bytes of staging)", cuda_runtime_api_h.cudaMallocHost(p, STAGE));
                stage[b] = p.get(ValueLayout.ADDRESS, 0).reinterpret(STAGE);
                CudaCheck.cuda("cudaEventCreateWithFlags", cuda_runtime_api_h.cudaEventCreateWithFlags(p, cuda_runtime_api_h.cudaEventDisableTiming()));
                done[b] = p.get(ValueLayout.ADDRESS, 0);
            }
        }
    }

    /** bytes from host to the device address. */
    void upload(MemorySegment host, long device, long bytes) {
        asRows(bytes, (off, width, height) -> upload2d(host.asSlice(off), width, device + off, width, width, height));
    }

    /** bytes from the device address to host. */
    void download(long device, MemorySegment host, long bytes) {
        asRows(bytes, (off, width, height) -> download2d(device + off, width, host.asSlice(off), width, width, height));
    }

    private interface Rows {
        void copy(long offset, long width, long height);
    }

    /** A contiguous copy as rows of 4 MiB and a shorter tail, so that the pitched path can pipeline it. */
    private static void asRows(long bytes, Rows rows) {
        long row = 4L << 20, full = bytes / row, tail = bytes - full * row;
        if (full > 0) rows.copy(0, row, full);
        if (tail > 0) rows.copy(full * row, tail, 1);
    }

    /** height rows of width bytes: host rows hostPitch apart, device rows devicePitch apart. */
    void upload2d(MemorySegment host, long hostPitch, long device, long devicePitch, long width, long height) {
        if (width == 0 || height == 0) return;
        if (width > STAGE) throw new IllegalArgumentException("rows of " + width + " bytes exceed the staging buffer of " + STAGE);
        long perChunk = Math.max(1, STAGE / width);
        int b = 0;
        for (long r0 = 0; r0 < height; r0 += perChunk, b ^= 1) {
            long n = Math.min(perChunk, height - r0);
            waitFor(b);
            copyRows(host, r0 * hostPitch, hostPitch, stage[b], 0, width, width, n);
            CudaCheck.cuda("cudaMemcpy2DAsync (host to device)", cuda_runtime_api_h.cudaMemcpy2DAsync(MemorySegment.ofAddress(device + r0 * devicePitch),
                    devicePitch, stage[b], width, width, n, cuda_runtime_api_h.cudaMemcpyHostToDevice(), stream));
            record(b);
        }
    }

    /** height rows of width bytes from the device (rows devicePitch apart) to host (rows hostPitch apart). */
    void download2d(long device, long devicePitch, MemorySegment host, long hostPitch, long width, long height) {
        if (width == 0 || height == 0) return;
        if (width > STAGE) throw new IllegalArgumentException("rows of " + width + " bytes exceed the staging buffer of " + STAGE);
        long perChunk = Math.max(1, STAGE / width);
        long chunks = (height + perChunk - 1) / perChunk;
        issueDownload(device, devicePitch, width, height, perChunk, 0);
        for (long c = 0; c < chunks; c++) {
            int b = (int) (c & 1);
            // The other buffer's chunk was copied out in the last iteration: refill it while this one is read.
            if (c + 1 < chunks) issueDownload(device, devicePitch, width, height, perChunk, c + 1);
            waitFor(b);
            long r0 = c * perChunk, n = Math.min(perChunk, height - r0);
            copyRows(stage[b], 0, width, host, r0 * hostPitch, hostPitch, width, n);
        }
    }

    /** rows of width bytes from src (rows srcPitch apart) to dst (rows dstPitch apart), in parallel when large. */
    private static void copyRows(MemorySegment src, long srcOffset, long srcPitch, MemorySegment dst, long dstOffset, long dstPitch, long width, long rows) {
        long bytes = width * rows;
        boolean parallel = bytes >= PARALLEL_COPY && COPY_THREADS > 1 && src.isAccessibleBy(OTHER_THREAD) && dst.isAccessibleBy(OTHER_THREAD);
        if (srcPitch == width && dstPitch == width) {
            if (!parallel) {
                MemorySegment.copy(src, srcOffset, dst, dstOffset, bytes);
                return;
            }
            long piece = (bytes + COPY_THREADS - 1) / COPY_THREADS;
            COPIERS.submit(() -> IntStream.range(0, COPY_THREADS).parallel().forEach(t -> {
                long from = t * piece, len = Math.min(piece, bytes - from);
                if (len > 0) MemorySegment.copy(src, srcOffset + from, dst, dstOffset + from, len);
            })).join();
            return;
        }
        if (!parallel || rows < COPY_THREADS) {
            for (long r = 0; r < rows; r++) MemorySegment.copy(src, srcOffset + r * srcPitch, dst, dstOffset + r * dstPitch, width);
            return;
        }
        long per = (rows + COPY_THREADS - 1) / COPY_THREADS;
        COPIERS.submit(() -> IntStream.range(0, COPY_THREADS).parallel().forEach(t -> {
            for (long r = t * per, end = Math.min(rows, r + per); r < end; r++)
                MemorySegment.copy(src, srcOffset + r * srcPitch, dst, dstOffset + r * dstPitch, width);
        })).join();
    }

    private void issueDownload(long device, long devicePitch, long width, long height, long perChunk, long chunk) {
        int b = (int) (chunk & 1);
        waitFor(b);
        long r0 = chunk * perChunk, n = Math.min(perChunk, height - r0);
        CudaCheck.cuda("cudaMemcpy2DAsync (device to host)", cuda_runtime_api_h.cudaMemcpy2DAsync(stage[b], width,
                MemorySegment.ofAddress(device + r0 * devicePitch), devicePitch, width, n, cuda_runtime_api_h.cudaMemcpyDeviceToHost(), stream));
        record(b);
    }

    private void record(int b) {
        CudaCheck.cuda("cudaEventRecord", cuda_runtime_api_h.cudaEventRecord(done[b], stream));
        pending[b] = true;
    }

    private void waitFor(int b) {
        if (!pending[b]) return;
        CudaCheck.cuda("cudaEventSynchronize", cuda_runtime_api_h.cudaEventSynchronize(done[b]));
        pending[b] = false;
    }

    @Override
    public void close() {
        for (int b = 0; b < 2; b++) {
            waitFor(b);
            cuda_runtime_api_h.cudaEventDestroy(done[b]);
            cuda_runtime_api_h.cudaFreeHost(stage[b]);
        }
    }
}
