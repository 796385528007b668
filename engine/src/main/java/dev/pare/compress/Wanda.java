package dev.pare.compress;

import dev.pare.backend.Backend;
import dev.pare.model.Linear;
import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.Arena;
import java.util.function.Consumer;

/**
 * Wanda (Sun et al., 2023): saliency |w_ij|·‖X_j‖₂, pruned per output row (the ⌊cols·s⌋ smallest of each row) or N:M.
 * ‖X_j‖² per calibration sample is diag(H)_j / 2, so the Hessian's diagonal serves.
 */
public record Wanda(NmPattern nm) implements LayerMethod {
    @Override
    public String name() {
        return "wanda";
    }

    @Override
    public boolean needsCalibration() {
        return true;
    }

    @Override
    public LayerOutcome compress(Linear layer, Hessian hessian, double sparsity, Backend backend, Arena scratch, Consumer<String> log) {
        FloatMatrix w = layer.weight();
        float[] diag = hessian.diagonal();
        float[] norm = new float[diag.length];
        for (int j = 0; j < norm.length; j++) norm[j] = (float) Math.sqrt(diag[j] / 2);
        if (nm != null) {
            backend.pruneNofM(w, norm, nm.n(), nm.m());
        } else if (sparsity > 0) {
            backend.prunePerRow(w, norm, sparsity);
        }
        return LayerOutcome.NONE;
    }
}
