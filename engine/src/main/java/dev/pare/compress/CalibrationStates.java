package dev.pare.compress;

import dev.pare.backend.Backend;
import dev.pare.backend.Residency;
import dev.pare.calib.CalibrationSet;
import dev.pare.model.Block;
import dev.pare.model.CausalLM;
import dev.pare.model.ForwardContext;
import dev.pare.model.KvCache;
import dev.pare.model.LinearHook;
import dev.pare.tensor.FloatMatrix;
import dev.pare.tensor.Workspace;

import java.lang.foreign.Arena;

/**
 * The calibration windows' hidden states as they walk the model block by block: embedded once, then run through one
 * block at a time, either to show a hook the block's linear inputs (the states stay the block's inputs) or to become
 * the next block's inputs. On a backend with memory of its own (a GPU) the states, the block's weights and every
 * intermediate stay there: nothing crosses the bus per op, only the embeddings once and the Hessians at the end.
 */
public final class CalibrationStates implements AutoCloseable {
    private final Backend backend;
    private final Residency residency;
    private final Arena arena = Arena.ofShared();
    private final Workspace workspace;
    private final FloatMatrix[] x;
    /** Keeps the states in the backend's memory from their first use to {@link #close()}. */
    private final Residency.Lease resident;

    /** The inputs of block 0 for every calibration window. */
    public CalibrationStates(CausalLM model, CalibrationSet calibration, Backend backend) {
        this.backend = backend;
        this.residency = Residency.of(backend);
        this.workspace = Residency.workspaceFor(backend);
        this.x = new FloatMatrix[calibration.samples()];
        for (int s = 0; s < x.length; s++) {
            x[s] = model.embed(calibration.windows()[s], 0, new ForwardContext(backend, workspace, LinearHook.NONE)).copy(arena);
            workspace.reset();
        }
        this.resident = residency.lease();
        for (FloatMatrix xs : x) resident.keepTransient(xs); // embedded on the host, then only ever used by the backend
    }

    /** Runs the block on copies of the states, for the collector's sake: the states stay the block's inputs. */
    public void observe(Block block, HessianCollector collector) {
        run(block, collector, false);
    }

    /** Runs the block on the states in place, with an optional collector: they become the next block's inputs. */
    public void advance(Block block, HessianCollector collector) {
        run(block, collector, true);
    }

    private void run(Block block, HessianCollector collector, boolean inPlace) {
        LinearHook hook = collector == null ? LinearHook.NONE : collector;
        try (Residency.Lease weights = residency.lease()) {
            block.keepWeights(weights);
            for (FloatMatrix xs : x) {
                if (collector != null) collector.nextSequence();
                try (Residency.Lease intermediates = residency.lease()) {
                    ForwardContext ctx = new ForwardContext(backend, workspace, hook, intermediates);
                    FloatMatrix input = xs;
                    if (!inPlace) {
                        input = ctx.allocate(xs.rows(), xs.cols());
                        backend.copyColumns(xs, 0, input, 0, xs.cols());
                    }
                    block.forward(input, new KvCache(ctx, xs.rows(), block.kvDim()), ctx);
                }
                workspace.reset();
            }
        }
    }

    @Override
    public void close() {
        resident.close();
        workspace.close();
        arena.close();
    }
}
