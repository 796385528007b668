package dev.pare.compress.schedule;

import dev.pare.backend.Backend;
import dev.pare.calib.CalibrationSet;
import dev.pare.compress.Hessian;
import dev.pare.compress.HessianCollector;
import dev.pare.model.Block;
import dev.pare.model.CausalLM;
import dev.pare.model.HiddenStates;
import dev.pare.model.Linear;
import dev.pare.tensor.FloatMatrix;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Step 1 of the scheduler: the calibration windows run through the <em>dense</em> model block by block (one block
 * resident, as in the compression pipeline) while a hook accumulates every linear's Hessian; each linear's statistics
 * are computed, the Hessians freed, and the block's dense outputs become the next block's inputs. Later blocks thus see
 * dense inputs rather than the compressed model's — the approximation the scheduler makes, so that every layer's cost is
 * known before the first is pruned. Resident: one block, the windows' hidden states, one block's Hessians.
 */
public final class DensePrepass {
    private final CausalLM model;
    private final Backend backend;
    private final double percdamp;
    private final double owlM;
    private final PrintStream log;

    /**
     * @param percdamp the damping of the inverse Hessian, as SparseGPT's
     * @param owlM     OWL's outlier threshold (a multiple of the mean score)
     */
    public DensePrepass(CausalLM model, Backend backend, double percdamp, double owlM, PrintStream log) {
        this.model = model;
        this.backend = backend;
        this.percdamp = percdamp;
        this.owlM = owlM;
        this.log = log;
    }

    public List<BlockStatistics> run(CalibrationSet calibration) {
        List<BlockStatistics> blocks = new ArrayList<>();
        long start = System.nanoTime();
        try (HiddenStates x = new HiddenStates(model, calibration.windows(), backend)) {
            for (int i = 0; i < model.layers(); i++) {
                Block block = model.block(i);
                try (Arena hessians = Arena.ofShared()) {
                    HessianCollector collector = new HessianCollector(block, block.linears(), backend, hessians);
                    // Dense inputs in, dense outputs out: one pass both measures H and makes the next block's inputs.
                    x.advance(block, collector);
                    collector.finish();
                    blocks.add(statistics(i, block, collector));
                }
                model.unloadBlock(i);
                double elapsed = (System.nanoTime() - start) / 1e9;
                log.printf(Locale.ROOT, "schedule pre-pass: block %d/%d, %.1f s elapsed%n", i + 1, model.layers(), elapsed);
            }
        }
        return blocks;
    }

    private BlockStatistics statistics(int index, Block block, HessianCollector collector) {
        List<LayerStatistics> layers = new ArrayList<>();
        List<FloatMatrix> weights = new ArrayList<>();
        List<float[]> diagonals = new ArrayList<>();
        // q, k, v (and gate, up) share one Hessian: factor it once.
        Map<Hessian, float[]> denominators = new IdentityHashMap<>();
        for (Linear layer : block.linears()) {
            Hessian h = collector.of(layer);
            float[] d = denominators.computeIfAbsent(h, hh -> PruningLossEstimate.obsDenominators(hh, percdamp, backend, layer.name(),
                    line -> log.println("  " + line)));
            LossCurve loss = PruningLossEstimate.curve(layer.weight(), d, h.matrix(), backend);
            float[] diag = h.diagonal();
            layers.add(new LayerStatistics(index, layer.name(), layer.rows(), layer.columns(), loss, OutlierRatio.of(layer.weight(), diag, owlM)));
            weights.add(layer.weight());
            diagonals.add(diag);
        }
        return new BlockStatistics(index, layers, OutlierRatio.pooled(weights, diagonals, owlM));
    }
}
