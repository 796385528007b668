package dev.pare.compress;

import dev.pare.PareException;
import dev.pare.backend.Backend;
import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.Arena;
import java.util.function.Consumer;

/**
 * The common preamble of SparseGPT and GPTQ: dead inputs (H_jj = 0) are set to H_jj = 1 with their weights zeroed,
 * H is damped by percdamp·mean(diag H), and Hinv = the upper Cholesky factor of H⁻¹. When H is not positive definite
 * the damping is raised step by step (and said), rather than giving up.
 *
 * @param hinv     upper Cholesky factor of the damped H⁻¹
 * @param percdamp the relative damping that worked
 * @param dead     how many input columns were dead
 */
public record InverseHessian(FloatMatrix hinv, double percdamp, int dead) {
    private static final double[] ESCALATION = {2, 5, 10, 20, 50, 100};

    /**
     * @param h   the Hessian (left unchanged)
     * @param w   the weights; dead columns are zeroed in place
     * @param log receives one line per damping increase
     */
    public static InverseHessian of(FloatMatrix h, FloatMatrix w, double percdamp, Backend backend, Arena arena, String layer, Consumer<String> log) {
        int n = h.cols();
        int dead = 0;
        double meanDiag = 0;
        FloatMatrix base = h.copy(arena);
        for (int j = 0; j < n; j++) {
            if (base.get(j, j) == 0) {
                dead++;
                base.set(j, j, 1);
                for (int r = 0; r < w.rows(); r++) w.set(r, j, 0);
            }
            meanDiag += base.get(j, j);
        }
        meanDiag /= n;
        if (!Double.isFinite(meanDiag)) throw new PareException(layer + ": the Hessian holds NaN or Inf (the calibration activations overflowed)");
        FloatMatrix hinv = FloatMatrix.allocate(arena, n, n);
        for (int attempt = 0; ; attempt++) {
            double pd = attempt == 0 ? percdamp : percdamp * ESCALATION[attempt - 1];
            hinv.copyFrom(base);
            float damp = (float) (pd * meanDiag);
            for (int j = 0; j < n; j++) hinv.set(j, j, hinv.get(j, j) + damp);
            if (backend.inverseCholeskyUpper(hinv)) return new InverseHessian(hinv, pd, dead);
            if (attempt == ESCALATION.length)
                throw new PareException(layer + ": the Hessian is not positive definite even with percdamp " + pd + " (check the calibration data)");
            log.accept(layer + ": Hessian not positive definite with percdamp " + pd + "; raising the damping to " + percdamp * ESCALATION[attempt]);
        }
    }
}
