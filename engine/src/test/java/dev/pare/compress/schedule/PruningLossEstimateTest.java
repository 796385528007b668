package dev.pare.compress.schedule;

import dev.pare.compress.ObsTestSupport;

import dev.pare.backend.Backend;
import dev.pare.backend.CpuBackend;
import dev.pare.compress.Hessian;
import dev.pare.tensor.FloatMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PruningLossEstimateTest {
    private static Backend backend;

    @BeforeAll
    static void start() {
        backend = new CpuBackend();
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    /**
     * Ē(s) against a brute force in double precision: H⁻¹ by explicit inversion of the damped H, its upper Cholesky
     * factor U (H⁻¹ = UᵀU, so U = Lᵀ for H⁻¹ = LLᵀ), ε = w²/U_jj², ½ Σ of the ⌊s·n⌋ smallest, over ½ w H wᵀ.
     */
    @Test
    void estimateEqualsBruteForceOnAnExplicitlyInvertedHessian() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        int rows = 7, cols = 24, tokens = 90, deadColumn = 5;
        double percdamp = 0.01;
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix x = FloatMatrix.allocate(arena, tokens, cols);
            for (int t = 0; t < tokens; t++)
                for (int c = 0; c < cols; c++) x.set(t, c, c == deadColumn ? 0 : (float) (rnd.nextGaussian() * (c % 5 == 0 ? 6 : 1)));
            FloatMatrix w = FloatMatrix.allocate(arena, rows, cols);
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++) w.set(r, c, (float) (rnd.nextGaussian() * 0.1));
            Hessian h = new Hessian(arena, cols);
            h.add(x.rows(0, 40), 1, backend);
            h.add(x.rows(40, tokens), 1, backend);

            float[] d = PruningLossEstimate.obsDenominators(h, percdamp, backend, "test", line -> { });
            LossCurve curve = PruningLossEstimate.curve(w, d, h.matrix(), backend);

            double[][] H = new double[cols][cols];
            for (int i = 0; i < cols; i++)
                for (int j = 0; j < cols; j++) H[i][j] = h.matrix().get(i, j);
            double[][] damped = new double[cols][];
            double mean = 0;
            for (int i = 0; i < cols; i++) {
                damped[i] = H[i].clone();
                if (damped[i][i] == 0) damped[i][i] = 1; // a dead input, as SparseGPT marks it
                mean += damped[i][i];
            }
            mean /= cols;
            for (int i = 0; i < cols; i++) damped[i][i] += percdamp * mean;
            double[][] L = cholesky(inverse(damped));
            double[] eps = new double[rows * cols];
            double energy = 0;
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    double wj = j == deadColumn ? 0 : w.get(r, j); // SparseGPT zeroes dead columns for free
                    eps[r * cols + j] = wj * wj / (L[j][j] * L[j][j]);
                    for (int i = 0; i < cols; i++) energy += (double) w.get(r, i) * H[i][j] * w.get(r, j);
                }
            }
            Arrays.sort(eps);
            assertEquals(energy / 2, curve.denominator(), 1e-4 * energy, "seed " + seed + ": ½ tr(W H Wᵀ)");
            for (double s : new double[]{0, 0.05, 0.3, 1.0 / 3, 0.5, 0.7, 0.8, 0.95, 1}) {
                int count = (int) Math.floor(s * (rows * cols));
                double e = 0;
                for (int i = 0; i < count; i++) e += eps[i];
                double expected = (e / 2) / (energy / 2);
                assertEquals(expected, curve.relative(s), 2e-3 * expected + 1e-12, "seed " + seed + ": Ē(" + s + ")");
            }
        }
    }

    /** Past MAX_KNOTS weights the curve keeps knots only: exact there, and between them a chord above the true convex curve. */
    @Test
    void largeLayersKeepKnotsExactlyAndInterpolateFromAbove() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        int n = 3 * LossCurve.MAX_KNOTS + 1234;
        float[] eps = new float[n];
        for (int i = 0; i < n; i++) eps[i] = (float) Math.exp(4 * rnd.nextGaussian());
        float[] sorted = eps.clone();
        Arrays.sort(sorted);
        double[] prefix = new double[n + 1];
        for (int i = 0; i < n; i++) prefix[i + 1] = prefix[i] + sorted[i];
        LossCurve curve = LossCurve.of(eps, prefix[n] / 2);
        for (int trial = 0; trial < 2000; trial++) {
            double s = rnd.nextDouble();
            int count = (int) Math.floor(s * n);
            double exact = prefix[count] / 2, estimate = curve.loss(s);
            assertTrue(estimate >= exact * (1 - 1e-6), "seed " + seed + ": below the true curve at s=" + s);
            // One knot interval is under n/MAX_KNOTS + 1 weights, each at most the largest ε of the interval.
            int span = n / LossCurve.MAX_KNOTS + 1;
            assertTrue(estimate - exact <= span * sorted[Math.min(n - 1, count + span)] / 2 + 1e-6 * exact, "seed " + seed + ": s=" + s);
        }
        assertEquals(prefix[n] / 2, curve.loss(1), 1e-6 * prefix[n]);
        assertEquals(1.0, curve.relative(1), 1e-6);
    }

    static double[][] inverse(double[][] a) {
        return ObsTestSupport.inverse(a);
    }

    /** The lower Cholesky factor L of a symmetric positive definite A = LLᵀ, in double. */
    static double[][] cholesky(double[][] a) {
        int n = a.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) s -= l[i][k] * l[j][k];
                l[i][j] = i == j ? Math.sqrt(s) : s / l[j][j];
            }
        return l;
    }
}
