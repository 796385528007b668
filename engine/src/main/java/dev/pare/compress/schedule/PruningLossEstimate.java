package dev.pare.compress.schedule;

import dev.pare.backend.Backend;
import dev.pare.compress.Hessian;
import dev.pare.compress.InverseHessian;
import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.Arena;
import java.util.function.Consumer;

/**
 * Step 2 of the seed paper's scheduler: a layer's pruning loss read off its inverse Hessian, without pruning it.
 * With H damped as SparseGPT damps it and U the upper Cholesky factor of H⁻¹, d_j = U_jj is the OBS denominator column
 * j sees once the columns before it are processed ("sequentially pruning all"), so one factorisation serves every
 * mask. The saliency of weight (i, j) is ε_ij = w_ij² / d_j², and E(s) = ½ Σ of the s·rows·cols smallest ε.
 */
public final class PruningLossEstimate {
    private PruningLossEstimate() {
    }

    /**
     * d = diag(U) of the damped H. A dead column (H_jj = 0: the input never fires) gets H_jj = 1 as in SparseGPT, and
     * d_j = ∞: SparseGPT zeroes such weights at no cost to the output, so their ε is 0.
     */
    public static float[] obsDenominators(Hessian hessian, double percdamp, Backend backend, String layer, Consumer<String> log) {
        int n = hessian.columns();
        try (Arena scratch = Arena.ofShared()) {
            FloatMatrix h = hessian.matrix().copy(scratch);
            boolean[] dead = new boolean[n];
            for (int j = 0; j < n; j++) {
                if (h.get(j, j) == 0) {
                    dead[j] = true;
                    h.set(j, j, 1);
                }
            }
            FloatMatrix U = InverseHessian.factor(h, percdamp, backend, scratch, layer, log).hinv();
            float[] d = new float[n];
            for (int j = 0; j < n; j++) d[j] = dead[j] ? Float.POSITIVE_INFINITY : U.get(j, j);
            return d;
        }
    }

    /**
     * The loss curve of W given d from {@link #obsDenominators} and the undamped H, whose ½·tr(W H Wᵀ) is the
     * relative estimate's denominator (damping is a numerical device of the factorisation, not part of the loss).
     */
    public static LossCurve curve(FloatMatrix W, float[] d, FloatMatrix H, Backend backend) {
        int rows = W.rows(), cols = W.cols();
        float[] eps = new float[Math.toIntExact(W.size())];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) {
                double w = W.get(i, j), dj = d[j];
                eps[i * cols + j] = (float) (w * w / (dj * dj));
            }
        return LossCurve.of(eps, backend.quadraticForm(W, H) / 2);
    }
}
