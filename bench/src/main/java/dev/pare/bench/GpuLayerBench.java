package dev.pare.bench;

import dev.pare.backend.CudaBackend;
import dev.pare.backend.Residency;
import dev.pare.backend.cuda.CudaDevice;
import dev.pare.backend.cuda.DeviceBuffer;
import dev.pare.compress.Gptq;
import dev.pare.compress.Hessian;
import dev.pare.compress.QuantGrid;
import dev.pare.compress.SparseGpt;
import dev.pare.model.Linear;
import dev.pare.tensor.FloatMatrix;

import dev.pare.bindings.CudaCheck;
import dev.pare.bindings.cuda_runtime_api_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Per-layer phases on the GPU with LLaMA-7B shapes, as Pare runs them (host matrices in, leases inside): host↔device
 * copy rates, the FP32 GEMM rate, Hessian accumulation per 2048-token batch, and GPTQ 4-bit g128 / SparseGPT 50% from
 * a finished Hessian (factorisation + sweep). bench/device/run.sh runs it next to torch_reference.py on the same card.
 * <p>
 * usage: GpuLayerBench [batches]   (Hessian batches of 2048 tokens per layer, default 16)
 */
public final class GpuLayerBench {
    private static final int TOKENS = 2048;

    public static void main(String[] args) {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        try (CudaBackend gpu = new CudaBackend(); Arena arena = Arena.ofShared()) {
            long t0 = System.nanoTime();
            gpu.warmUp();
            System.out.printf(Locale.ROOT, "%s%nkernels compiled and loaded in %.2f s%n", gpu.name(), (System.nanoTime() - t0) / 1e9);
            copyRates(gpu.device(), arena);
            gemmRate(gpu, arena);
            System.out.printf("%-22s %10s %10s %8s %11s %10s%n", "layer (rows x cols)", "H/batch ms", "H+x ms", "GPTQ s", "SparseGPT s", "peak GiB");
            for (int[] shape : new int[][]{{4096, 4096}, {11008, 4096}, {4096, 11008}}) layer(gpu, arena, shape[0], shape[1], batches);
        }
    }

    private static void copyRates(CudaDevice device, Arena arena) {
        long bytes = 512L << 20;
        FloatMatrix host = random(arena, (int) (bytes / 4 / 4096), 4096, 1, 1);
        try (DeviceBuffer d = device.allocate(bytes, "copy test")) {
            device.upload(host.segment(), d.address(), bytes);
            device.sync();
            long t0 = System.nanoTime();
            for (int i = 0; i < 3; i++) device.upload(host.segment(), d.address(), bytes);
            device.sync();
            double up = 3 * bytes / ((System.nanoTime() - t0) / 1e9) / 1e9;
            t0 = System.nanoTime();
            for (int i = 0; i < 3; i++) device.download(d.address(), host.segment(), bytes);
            double down = 3 * bytes / ((System.nanoTime() - t0) / 1e9) / 1e9;
            System.out.printf(Locale.ROOT, "host->device %.1f GB/s, device->host %.1f GB/s (pageable host memory, pinned staging, 512 MiB)%n", up, down);
            // The alternatives: the driver's own staging of pageable memory, and pinning the host memory in place.
            MemorySegment dst = d.pointer(), src = host.segment();
            t0 = System.nanoTime();
            CudaCheck.cuda("cudaMemcpy", cuda_runtime_api_h.cudaMemcpy(dst, src, bytes, cuda_runtime_api_h.cudaMemcpyHostToDevice()));
            double pageableUp = bytes / ((System.nanoTime() - t0) / 1e9) / 1e9;
            t0 = System.nanoTime();
            CudaCheck.cuda("cudaMemcpy", cuda_runtime_api_h.cudaMemcpy(src, dst, bytes, cuda_runtime_api_h.cudaMemcpyDeviceToHost()));
            double pageableDown = bytes / ((System.nanoTime() - t0) / 1e9) / 1e9;
            t0 = System.nanoTime();
            CudaCheck.cuda("cudaHostRegister", cuda_runtime_api_h.cudaHostRegister(src, bytes, cuda_runtime_api_h.cudaHostRegisterDefault()));
            double register = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            CudaCheck.cuda("cudaMemcpy", cuda_runtime_api_h.cudaMemcpy(dst, src, bytes, cuda_runtime_api_h.cudaMemcpyHostToDevice()));
            double pinnedUp = bytes / ((System.nanoTime() - t0) / 1e9) / 1e9;
            t0 = System.nanoTime();
            CudaCheck.cuda("cudaMemcpy", cuda_runtime_api_h.cudaMemcpy(src, dst, bytes, cuda_runtime_api_h.cudaMemcpyDeviceToHost()));
            double pinnedDown = bytes / ((System.nanoTime() - t0) / 1e9) / 1e9;
            t0 = System.nanoTime();
            CudaCheck.cuda("cudaHostUnregister", cuda_runtime_api_h.cudaHostUnregister(src));
            double unregister = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "  driver-staged pageable: up %.1f, down %.1f GB/s; registered in place: up %.1f, down %.1f GB/s,"
                    + " register %.1f ms, unregister %.1f ms%n", pageableUp, pageableDown, pinnedUp, pinnedDown, register * 1e3, unregister * 1e3);
        }
    }

    private static void gemmRate(CudaBackend gpu, Arena arena) {
        int n = 4096;
        FloatMatrix a = random(arena, n, n, 1, 2), b = random(arena, n, n, 1, 3), c = FloatMatrix.allocate(arena, n, n);
        try (Residency.Lease lease = gpu.lease().keep(a).keep(b).keep(c)) {
            gpu.linear(a, b, null, c);
            gpu.device().sync();
            int reps = 20;
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) gpu.linear(a, b, null, c);
            gpu.device().sync();
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "cuBLAS FP32 GEMM 4096^3 (linear, operands on the device): %.1f TFLOP/s%n", 2.0 * n * n * n * reps / s / 1e12);
        }
    }

    private static void layer(CudaBackend gpu, Arena outer, int rows, int cols, int batches) {
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix[] xs = {random(arena, TOKENS, cols, 1, 10), random(arena, TOKENS, cols, 1, 11)};
            Hessian hessian = new Hessian(arena, cols);
            double perBatch, perBatchUploaded;
            // As the pipeline does: H kept on the device across batches, the activations copied in per batch.
            try (Residency.Lease lease = gpu.lease().keep(hessian.matrix())) {
                hessian.add(xs[0], 1, gpu);
                gpu.device().sync();
                long t0 = System.nanoTime();
                for (int b = 1; b < batches; b++) hessian.add(xs[b % 2], 1, gpu);
                gpu.device().sync();
                perBatchUploaded = (System.nanoTime() - t0) / 1e9 / (batches - 1);
                // The same with the activations already on the device: the SYRK alone.
                try (Residency.Lease inputs = gpu.lease().keep(xs[0])) {
                    hessian.add(xs[0], 1, gpu);
                    gpu.device().sync();
                    t0 = System.nanoTime();
                    for (int b = 0; b < 8; b++) hessian.add(xs[0], 1, gpu);
                    gpu.device().sync();
                    perBatch = (System.nanoTime() - t0) / 1e9 / 8;
                }
            }
            FloatMatrix w = random(arena, rows, cols, 0.1f, 12);
            double tq = compress(gpu, arena, w, hessian, true);
            double tp = compress(gpu, arena, w, hessian, false);
            System.out.printf(Locale.ROOT, "pare  %5d x %-6d %10.2f %10.2f %8.3f %11.3f %10.2f%n", rows, cols, perBatch * 1e3, perBatchUploaded * 1e3, tq, tp,
                    gpu.device().memory().peakBytes() / (double) (1L << 30));
            phases(gpu, w, hessian, true);
            phases(gpu, w, hessian, false);
        }
    }

    /** Seconds for one compression of a copy of w (the second of two runs: the first warms the caches and the pool). */
    private static double compress(CudaBackend gpu, Arena arena, FloatMatrix w, Hessian hessian, boolean gptq) {
        double seconds = 0;
        for (int run = 0; run < 2; run++) {
            try (Arena scratch = Arena.ofShared()) {
                FloatMatrix copy = w.copy(scratch);
                Linear layer = new Linear("bench", copy, null, false);
                long t0 = System.nanoTime();
                if (gptq) new Gptq(new QuantGrid(4, false), 128, false, false, 128, 0.01).compress(layer, hessian, 0, gpu, scratch, line -> { });
                else new SparseGpt(null, null, 0, 128, 0.01).compress(layer, hessian, 0.5, gpu, scratch, line -> { });
                seconds = (System.nanoTime() - t0) / 1e9;
            }
        }
        return seconds;
    }

    /** Where one compression's time goes: each op timed to the end of its device work, the rest is host-side work. */
    private static void phases(CudaBackend gpu, FloatMatrix w, Hessian hessian, boolean gptq) {
        TimedBackend timed = new TimedBackend(gpu, gpu.device()::sync);
        try (Arena scratch = Arena.ofShared()) {
            FloatMatrix copy = w.copy(scratch);
            Linear layer = new Linear("bench", copy, null, false);
            long t0 = System.nanoTime();
            if (gptq) new Gptq(new QuantGrid(4, false), 128, false, false, 128, 0.01).compress(layer, hessian, 0, timed, scratch, line -> { });
            else new SparseGpt(null, null, 0, 128, 0.01).compress(layer, hessian, 0.5, timed, scratch, line -> { });
            double total = (System.nanoTime() - t0) / 1e9, ops = 0;
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "      %-9s total %.3f s:", gptq ? "gptq" : "sparsegpt", total));
            for (TimedBackend.Phase p : TimedBackend.Phase.values()) {
                if (p == TimedBackend.Phase.HESSIAN) continue;
                ops += timed.seconds(p);
                sb.append(String.format(Locale.ROOT, " %s %.3f", p.name().toLowerCase(Locale.ROOT), timed.seconds(p)));
            }
            sb.append(String.format(Locale.ROOT, " host %.3f", total - ops));
            System.out.println(sb);
        }
    }

    /** Uniform in (−scale, scale), filled in parallel (a 45M-float matrix would take seconds on one thread). */
    static FloatMatrix random(Arena arena, int rows, int cols, float scale, long seed) {
        FloatMatrix m = FloatMatrix.allocate(arena, rows, cols);
        IntStream.range(0, rows).parallel().forEach(r -> {
            SplittableRandom g = new SplittableRandom(seed * 1_000_003L + r);
            for (int c = 0; c < cols; c++) m.set(r, c, (float) ((g.nextDouble() * 2 - 1) * scale));
        });
        return m;
    }
}
