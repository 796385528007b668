package dev.pare.compress;

import dev.pare.PareException;
import dev.pare.backend.Backend;
import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.Arena;
import java.util.function.Consumer;

/**
 * The preamble SparseGPT and GPTQ share. Dead inputs (H_jj = 0: the feature never fires) get H_jj = 1 and zero
 * weights; H is damped by percdamp·mean(diag H); Hinv = the upper Cholesky factor of H⁻¹. When H is not positive
 * definite the damping is raised step by step (and said) rather than giving up.
 *
 * @param hinv     upper Cholesky factor of the damped H⁻¹
 * @param percdamp the relative damping that worked
 */
public record InverseHessian(FloatMatrix hinv, double percdamp) {
    private static final double[] ESCALATION = {2, 5, 10, 20, 50, 100};

    /** In place on h (a working copy) and w: marks dead columns as the references do; returns how many there were. */
    public static int fixDeadColumns(FloatMatrix h, FloatMatrix w) {
        int dead = 0;
        for (int j = 0; j < h.cols(); j++) {
            if (h.get(j, j) == 0) {
                dead++;
                h.set(j, j, 1);
                for (int r = 0; r < w.rows(); r++) w.set(r, j, 0);
            }
        }
        return dead;
    }

    /**
     * Hinv of h (left unchanged) with damping percdamp·mean(diag h), raised step by step while h is not positive
     * definite; each raise is reported to {@code log}.
     */
    public static InverseHessian factor(FloatMatrix h, double percdamp, Backend backend, Arena arena, String layer, Consumer<String> log) {
        int n = h.cols();
        double meanDiag = 0;
        for (int j = 0; j < n; j++) meanDiag += h.get(j, j);
        meanDiag /= n;
        if (!Double.isFinite(meanDiag))
            throw new PareException(layer + ": the Hessian holds NaN or Inf (the calibration activations overflowed)");
        FloatMatrix hinv = FloatMatrix.allocateUninitialized(arena, n, n); // each attempt starts from a copy of h
        for (int attempt = 0; ; attempt++) {
            double pd = attempt == 0 ? percdamp : percdamp * ESCALATION[attempt - 1];
            hinv.copyFrom(h);
            float damp = (float) (pd * meanDiag);
            for (int j = 0; j < n; j++) hinv.set(j, j, hinv.get(j, j) + damp);
            if (backend.inverseCholeskyUpper(hinv)) return new InverseHessian(hinv, pd);
            if (attempt == ESCALATION.length)
                throw new PareException(layer + ": the Hessian is not positive definite even with percdamp " + pd + " (check the calibration data)");
            log.accept(layer + ": Hessian not positive definite with percdamp " + pd + "; raising the damping to " + percdamp * ESCALATION[attempt]);
        }
    }
}
