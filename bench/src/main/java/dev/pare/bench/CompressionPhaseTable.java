package dev.pare.bench;

import dev.pare.backend.Backend;
import dev.pare.backend.CpuBackend;
import dev.pare.compress.Gptq;
import dev.pare.compress.Hessian;
import dev.pare.compress.LayerMethod;
import dev.pare.compress.QuantGrid;
import dev.pare.compress.SparseGpt;
import dev.pare.model.Linear;
import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The CPU cost of compressing one linear, split by phase — Hessian accumulation, Cholesky/inverse, the OBS column loop,
 * the lazy block updates — for GPTQ 4-bit g128 and SparseGPT 50% on LLaMA-like shapes with 32 × 2048 calibration
 * tokens, each phase's GFLOP/s next to the machine's FMA peak measured in the same run.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.pare.bench.CompressionPhaseTable [samples] [rows×cols …]</pre>
 */
public final class CompressionPhaseTable {
    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        List<int[]> shapes = args.length > 1
                ? java.util.Arrays.stream(args, 1, args.length).map(s -> s.split("x")).map(p -> new int[]{Integer.parseInt(p[0]), Integer.parseInt(p[1])}).toList()
                : List.of(new int[]{1024, 1024}, new int[]{2816, 1024}, new int[]{1024, 2816});
        int tokens = 2048;
        double peak = fmaPeakGflops();
        try (Backend cpu = new CpuBackend(); TimedBackend backend = new TimedBackend(cpu)) {
            System.out.printf(Locale.ROOT, "backend %s; FMA peak %.1f GFLOP/s (all cores, measured now); %d × %d calibration tokens%n%n",
                    cpu.name(), peak, samples, tokens);
            System.out.println("| layer rows × cols | method | Hessian s (GFLOP/s, % peak) | Cholesky+inverse s (GFLOP/s, % peak) | column loop s (GFLOP/s, % peak) | lazy updates s (GFLOP/s, % peak) | total s |");
            System.out.println("|---|---|---|---|---|---|---|");
            for (int[] shape : shapes) {
                int rows = shape[0], cols = shape[1];
                for (LayerMethod method : List.of(new Gptq(new QuantGrid(4, false), 128, false, false, 128, 0.01),
                        new SparseGpt(null, null, 0, 128, 0.01))) {
                    for (int rep = 0; rep < 2; rep++) { // the first repetition warms the JIT up
                        backend.reset();
                        try (Arena arena = Arena.ofShared()) {
                            Random rnd = new Random(1);
                            Hessian h = new Hessian(arena, cols);
                            FloatMatrix x = FloatMatrix.allocate(arena, tokens, cols);
                            for (int s = 0; s < samples; s++) {
                                for (long i = 0; i < x.size(); i++) x.segment().setAtIndex(FloatMatrix.F32, i, (float) rnd.nextGaussian());
                                h.add(x, 1, backend);
                            }
                            FloatMatrix w = FloatMatrix.allocate(arena, rows, cols);
                            for (long i = 0; i < w.size(); i++) w.segment().setAtIndex(FloatMatrix.F32, i, (float) (rnd.nextGaussian() * 0.02));
                            method.compress(new Linear("w", w, null, false), h, 0.5, backend, arena, line -> { });
                        }
                    }
                    double hess = 2.0 * samples * tokens * cols * cols;
                    double fact = 2.0 * cols * (double) cols * cols / 3;
                    double loop = (double) rows * cols * 128;
                    double lazy = (double) rows * cols * cols;
                    System.out.printf(Locale.ROOT, "| %d × %d | %s | %s | %s | %s | %s | %.3f |%n", rows, cols, method.name(),
                            cell(backend.seconds(TimedBackend.Phase.HESSIAN), hess, peak),
                            cell(backend.seconds(TimedBackend.Phase.FACTORISATION), fact, peak),
                            cell(backend.seconds(TimedBackend.Phase.COLUMN_LOOP) + backend.seconds(TimedBackend.Phase.MASK), loop, peak),
                            cell(backend.seconds(TimedBackend.Phase.LAZY_UPDATE), lazy, peak),
                            backend.seconds(TimedBackend.Phase.HESSIAN) + backend.seconds(TimedBackend.Phase.FACTORISATION)
                                    + backend.seconds(TimedBackend.Phase.COLUMN_LOOP) + backend.seconds(TimedBackend.Phase.MASK)
                                    + backend.seconds(TimedBackend.Phase.LAZY_UPDATE));
                }
            }
        }
    }

    private static String cell(double seconds, double flops, double peak) {
        double gflops = flops / seconds / 1e9;
        return String.format(Locale.ROOT, "%.3f (%.1f, %.0f%%)", seconds, gflops, 100 * gflops / peak);
    }

    /** All cores running FmaPeakBench's independent FMA chains; the best of five rounds. */
    static double fmaPeakGflops() throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            double best = 0;
            for (int round = 0; round < 5; round++) {
                long t0 = System.nanoTime();
                List<Future<Float>> f = new java.util.ArrayList<>();
                for (int t = 0; t < threads; t++) f.add(pool.submit(() -> new FmaPeakBench().fmaChains()));
                for (Future<Float> x : f) x.get();
                double seconds = (System.nanoTime() - t0) / 1e9;
                best = Math.max(best, threads * (double) FmaPeakBench.FLOPS_PER_CALL_PER_LANE * FmaPeakBench.lanes() / seconds / 1e9);
            }
            return best;
        } finally {
            pool.shutdown();
        }
    }
}
