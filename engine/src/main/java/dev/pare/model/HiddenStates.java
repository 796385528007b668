package dev.pare.model;

import dev.pare.backend.Backend;
import dev.pare.backend.Residency;
import dev.pare.tensor.FloatMatrix;
import dev.pare.tensor.Workspace;

import java.lang.foreign.Arena;
import java.util.function.Consumer;

/**
 * The hidden states of a set of token windows as they walk the model block by block — the compression pipeline's
 * calibration windows, or evaluation's: embedded once, then run through one block at a time, either to show a hook the
 * block's linear inputs (the states stay the block's inputs) or to become the next block's inputs. Only one block's
 * weights need be resident. On a backend with memory of its own (a GPU) the states, the block's weights and every
 * intermediate stay there: nothing crosses the bus per op, only the embeddings once.
 */
public final class HiddenStates implements AutoCloseable {
    private final Backend backend;
    private final Residency residency;
    private final Arena arena = Arena.ofShared();
    private final Workspace workspace;
    private final FloatMatrix[] x;
    /** Keeps the states in the backend's memory from their first use to {@link #close()}. */
    private final Residency.Lease resident;

    /** What to do with each state at the end: it and a context for the ops that consume it. */
    @FunctionalInterface
    public interface StateConsumer {
        void accept(int window, FloatMatrix state, ForwardContext ctx);
    }

    /** The inputs of block 0 for every window (each from position 0). */
    public HiddenStates(CausalLM model, int[][] windows, Backend backend) {
        this.backend = backend;
        this.residency = Residency.of(backend);
        this.workspace = new Workspace(false); // every op writes its output whole: no zeroing on the calling thread
        this.x = new FloatMatrix[windows.length];
        for (int s = 0; s < x.length; s++) {
            x[s] = model.embed(windows[s], 0, new ForwardContext(backend, workspace, LinearHook.NONE)).copy(arena);
            workspace.reset();
        }
        this.resident = residency.lease();
        for (FloatMatrix xs : x) resident.keepTransient(xs); // embedded on the host, then only ever used by the backend
    }

    /**
     * Runs the block on copies of the states, for the hook's sake: the states stay the block's inputs. Each window's
     * pass stops once the hook has {@linkplain LinearHook#seenAll() seen all} it wants (a true-sequential group of q,k,v
     * needs no attention at all, and no group needs down_proj's product).
     */
    public void observe(Block block, LinearHook hook) {
        run(block, new LinearHook() {
            @Override
            public void beforeLinear(Linear linear, FloatMatrix input) {
                hook.beforeLinear(linear, input);
                if (hook.seenAll()) throw Observed.SIGNAL;
            }

            @Override
            public void nextSequence() {
                hook.nextSequence();
            }
        }, false);
    }

    /** Ends an observing pass early; carries no stack trace, as it is control flow, not an error. */
    private static final class Observed extends RuntimeException {
        static final Observed SIGNAL = new Observed();

        private Observed() {
            super("observed", null, false, false);
        }
    }

    /** Runs the block on the states in place, shown to the hook: they become the next block's inputs. */
    public void advance(Block block, LinearHook hook) {
        run(block, hook, true);
    }

    private void run(Block block, LinearHook hook, boolean inPlace) {
        try (Residency.Lease weights = residency.lease()) {
            block.keepWeights(weights);
            for (FloatMatrix xs : x) {
                hook.nextSequence();
                each(ctx -> {
                    FloatMatrix input = xs;
                    if (!inPlace) {
                        input = ctx.allocate(xs.rows(), xs.cols());
                        backend.copyColumns(xs, 0, input, 0, xs.cols());
                    }
                    try {
                        block.forward(input, new KvCache(ctx, xs.rows(), block.kvDim()), ctx);
                    } catch (Observed stop) {
                        // the hook has what it wants from this window; the block's output is not needed
                    }
                }, hook);
            }
        }
    }

    /** Hands every state to {@code consumer} with a context whose intermediates stay in the backend's memory. */
    public void forEach(StateConsumer consumer) {
        for (int s = 0; s < x.length; s++) {
            int window = s;
            each(ctx -> consumer.accept(window, x[window], ctx), LinearHook.NONE);
        }
    }

    /** One call on one state: its intermediates live in a lease of their own and in the workspace, both freed after. */
    private void each(Consumer<ForwardContext> body, LinearHook hook) {
        try (Residency.Lease intermediates = residency.lease()) {
            body.accept(new ForwardContext(backend, workspace, hook, intermediates));
        }
        workspace.reset();
    }

    @Override
    public void close() {
        resident.close();
        workspace.close();
        arena.close();
    }
}
