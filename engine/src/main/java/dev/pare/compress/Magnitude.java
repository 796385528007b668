package dev.pare.compress;

import dev.pare.backend.Backend;
import dev.pare.model.Linear;
import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.Arena;
import java.util.function.Consumer;

/**
 * Magnitude pruning per layer (the Wanda repository's prune_magnitude): unstructured, every |w| at or below the
 * ⌊n·s⌋-th smallest of the whole matrix is removed; N:M, the N smallest |w| of every M.
 */
public record Magnitude(NmPattern nm) implements LayerMethod {
    @Override
    public String name() {
        return "magnitude";
    }

    @Override
    public boolean needsCalibration() {
        return false;
    }

    @Override
    public LayerOutcome compress(Linear layer, Hessian hessian, double sparsity, Backend backend, Arena scratch, Consumer<String> log) {
        FloatMatrix w = layer.weight();
        if (nm != null) {
            backend.pruneNofM(w, null, nm.n(), nm.m());
        } else if (sparsity > 0) {
            backend.pruneBelowGlobalThreshold(w, null, sparsity);
        }
        return LayerOutcome.NONE;
    }
}
