package dev.pare.backend.cuda;

import dev.pare.bindings.CudaCheck;
import dev.pare.bindings.cuda_runtime_api_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Copies between host segments (ordinary, pageable memory) and the device through two pinned staging buffers: the
 * host-side copy into one buffer overlaps the DMA out of the other. Pageable memory cannot be DMA'd directly, and the
 * driver's own staging for it is synchronous; this way a copy of a few hundred MiB runs at the slower of memcpy and PCIe.
 * Row-pitched copies (a column window of a row-major matrix) go the same way, packed in the staging buffer.
 * All copies are ordered on the device's stream; an upload may return before its last DMA ends (the data is already
 * out of the host segment), a download returns when the host segment holds the data.
 */
final class HostTransfer implements AutoCloseable {
    /** Bytes per staging buffer: large enough to amortise a DMA, small enough to stay in the CPU's caches' shadow. */
    static final long STAGE = 8L << 20;

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

    /** A contiguous copy as rows of 1 MiB and a shorter tail, so that the pitched path can pipeline it. */
    private static void asRows(long bytes, Rows rows) {
        long row = 1L << 20, full = bytes / row, tail = bytes - full * row;
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
            MemorySegment buf = stage[b];
            if (hostPitch == width) {
                MemorySegment.copy(host, r0 * hostPitch, buf, 0, n * width);
            } else {
                for (long r = 0; r < n; r++) MemorySegment.copy(host, (r0 + r) * hostPitch, buf, r * width, width);
            }
            CudaCheck.cuda("cudaMemcpy2DAsync (host to device)", cuda_runtime_api_h.cudaMemcpy2DAsync(MemorySegment.ofAddress(device + r0 * devicePitch),
                    devicePitch, buf, width, width, n, cuda_runtime_api_h.cudaMemcpyHostToDevice(), stream));
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
            MemorySegment buf = stage[b];
            if (hostPitch == width) {
                MemorySegment.copy(buf, 0, host, r0 * hostPitch, n * width);
            } else {
                for (long r = 0; r < n; r++) MemorySegment.copy(buf, r * width, host, (r0 + r) * hostPitch, width);
            }
        }
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
