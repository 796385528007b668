package dev.pare.compress;

import dev.pare.backend.Backend;
import dev.pare.backend.Residency;
import dev.pare.calib.CalibrationSet;
import dev.pare.model.Block;
import dev.pare.model.CausalLM;
import dev.pare.model.HiddenStates;
import dev.pare.model.Linear;
import dev.pare.model.LinearHook;
import dev.pare.tensor.FloatMatrix;
import dev.pare.util.Chunks;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Sequential layer-wise compression, as in the GPTQ/SparseGPT papers: the calibration windows are embedded once; then,
 * block by block, their hidden states run through the dense block while hooks accumulate each linear's Hessian, the
 * linears are compressed, and the states run through the compressed block to become the next block's inputs. So every
 * layer is calibrated on inputs that already carry the errors of the layers before it. With true-sequential, the groups
 * of a block (q,k,v → o → gate,up → down) are compressed one after another, each re-measured through the groups before.
 * Resident: one block, the windows' hidden states, and the Hessians of one group.
 */
public final class CompressionPipeline {
    private final CausalLM model;
    private final Backend backend;
    private final LayerMethod method;
    private final SparsitySchedule schedule;
    private final boolean trueSequential;
    private final int bits, groupSize;
    private final PrintStream log;

    public CompressionPipeline(CausalLM model, Backend backend, LayerMethod method, SparsitySchedule schedule, boolean trueSequential,
                               int bits, int groupSize, PrintStream log) {
        this.model = model;
        this.backend = backend;
        this.method = method;
        this.schedule = schedule;
        this.trueSequential = trueSequential;
        this.bits = bits;
        this.groupSize = groupSize;
        this.log = log;
    }

    /** Compresses every block; {@code calibration} may be null for methods that need none. */
    public List<LayerReport> run(CalibrationSet calibration, BlockSink sink) {
        List<LayerReport> reports = new ArrayList<>();
        long start = System.nanoTime();
        int blocks = model.layers();
        try (HiddenStates x = calibration == null ? null : new HiddenStates(model, calibration.windows(), backend)) {
            for (int i = 0; i < blocks; i++) {
                Block block = model.block(i);
                List<List<Linear>> groups = trueSequential ? block.sequentialGroups() : List.of(block.linears());
                for (List<Linear> group : groups) reports.addAll(compressGroup(i, block, group, x));
                if (x != null && i < blocks - 1) x.advance(block, LinearHook.NONE);
                sink.accept(i, block);
                model.unloadBlock(i);
                double elapsed = (System.nanoTime() - start) / 1e9;
                log.printf(Locale.ROOT, "block %d/%d done, %.1f s elapsed, ETA %.1f s%n", i + 1, blocks, elapsed, elapsed / (i + 1) * (blocks - i - 1));
            }
        }
        return reports;
    }

    private List<LayerReport> compressGroup(int blockIndex, Block block, List<Linear> group, HiddenStates x) {
        List<LayerReport> reports = new ArrayList<>();
        try (Arena hessians = Arena.ofShared()) {
            HessianCollector collector = null;
            if (x != null) {
                collector = new HessianCollector(block, group, backend, hessians);
                x.observe(block, collector);
                collector.finish();
            }
            for (Linear layer : group) {
                long t0 = System.nanoTime();
                Hessian h = collector == null ? null : collector.of(layer);
                double target = schedule.sparsity(blockIndex, layer.name());
                LayerReport report;
                try (Arena scratch = Arena.ofShared()) {
                    FloatMatrix original = h == null ? null : layer.weight().copy(scratch);
                    Consumer<String> notice = line -> log.println("  " + line);
                    LayerOutcome outcome = method.compress(layer, h, target, backend, scratch, notice);
                    double rel = h == null ? Double.NaN : relativeError(original, layer.weight(), h.matrix(), scratch);
                    report = new LayerReport(blockIndex, layer.name(), layer.rows(), layer.columns(), target, zeros(layer.weight()),
                            bits, groupSize, outcome.percdamp(), outcome.obsLoss(), rel, outcome.dead(), (System.nanoTime() - t0) / 1e9);
                }
                log.printf(Locale.ROOT, "  block %d %-22s %5d x %-5d sparsity %.4f  error %-12s rel %-10s %.2f s%n", blockIndex, layer.shortName(),
                        layer.rows(), layer.columns(), report.sparsity(), fmt(report.obsLoss()), fmt(report.relError()), report.seconds());
                reports.add(report);
            }
        }
        return reports;
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.5g", v);
    }

    /** tr(ΔHΔᵀ)/tr(WHWᵀ) with Δ = W − Ŵ: ‖WX − ŴX‖²/‖WX‖² over the calibration inputs, since H ∝ XXᵀ. */
    private double relativeError(FloatMatrix w, FloatMatrix compressed, FloatMatrix h, Arena arena) {
        FloatMatrix delta = FloatMatrix.allocateUninitialized(arena, w.rows(), w.cols());
        Chunks.forEach(w.rows(), 64, (r0, r1) -> {
            for (int r = (int) r0; r < r1; r++)
                for (int c = 0; c < w.cols(); c++) delta.set(r, c, w.get(r, c) - compressed.get(r, c));
        }, w.segment(), compressed.segment(), delta.segment());
        try (Residency.Lease resident = Residency.of(backend).lease().keep(h)) { // H crosses the bus once for both forms
            return backend.quadraticForm(delta, h) / backend.quadraticForm(w, h);
        }
    }

    /** The fraction of exact zeros in w (rows counted in parallel). */
    static double zeros(FloatMatrix w) {
        LongAdder z = new LongAdder();
        Chunks.forEach(w.rows(), 64, (r0, r1) -> {
            long n = 0;
            for (int r = (int) r0; r < r1; r++)
                for (int c = 0; c < w.cols(); c++) if (w.get(r, c) == 0f) n++;
            z.add(n);
        }, w.segment());
        return (double) z.sum() / w.size();
    }
}
