package dev.pare.compress;

import dev.pare.backend.Backend;
import dev.pare.backend.CpuBackend;
import dev.pare.model.Linear;
import dev.pare.tensor.FloatMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparseGptTest {
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
     * On the mask SparseGPT chose, its reconstruction error lies between the exact optimum for that mask (least squares
     * over the kept weights, solved directly) and plain zeroing of the masked weights (magnitude's update-free result).
     */
    @Test
    void sparsegptErrorLiesBetweenLeastSquaresOptimumAndZeroingOnItsMask() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        int rows = 12, cols = 64;
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix x = ObsTestSupport.inputs(arena, rnd, 300, cols);
            FloatMatrix w = ObsTestSupport.weights(arena, rnd, rows, cols);
            double[][] dense = ObsTestSupport.toDouble(w);
            Hessian h = ObsTestSupport.hessian(arena, x, backend);
            double[][] hd = ObsTestSupport.toDouble(h.matrix());
            new SparseGpt(null, null, 0, 16, 0.01).compress(new Linear("w", w, null, false), h, 0.5, backend, arena, line -> { });
            double[][] sparse = ObsTestSupport.toDouble(w);

            double[][] zeroed = new double[rows][cols], optimum = new double[rows][cols];
            for (int r = 0; r < rows; r++) {
                List<Integer> kept = new ArrayList<>();
                for (int c = 0; c < cols; c++) {
                    zeroed[r][c] = sparse[r][c] == 0 ? 0 : dense[r][c];
                    if (sparse[r][c] != 0) kept.add(c);
                }
                optimum[r] = leastSquares(dense[r], hd, kept);
            }
            double eSparse = ObsTestSupport.error(dense, sparse, hd);
            double eOpt = ObsTestSupport.error(dense, optimum, hd);
            double eZero = ObsTestSupport.error(dense, zeroed, hd);
            assertTrue(eOpt <= eSparse * (1 + 1e-6), "seed " + seed + ": SparseGPT " + eSparse + " below the optimum " + eOpt);
            assertTrue(eSparse <= eZero, "seed " + seed + ": SparseGPT " + eSparse + " worse than zeroing " + eZero);
        }
    }

    /** argmin over ŵ with ŵ_j = 0 off {@code kept} of (w − ŵ)H(w − ŵ)ᵀ: H_KK ŵ_K = (H w)_K. */
    static double[] leastSquares(double[] w, double[][] h, List<Integer> kept) {
        int k = kept.size(), n = w.length;
        double[][] hkk = new double[k][k];
        double[] rhs = new double[k];
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) hkk[a][b] = h[kept.get(a)][kept.get(b)];
            double s = 0;
            for (int j = 0; j < n; j++) s += h[kept.get(a)][j] * w[j];
            rhs[a] = s;
        }
        double[][] inv = ObsTestSupport.inverse(hkk);
        double[] out = new double[n];
        for (int a = 0; a < k; a++) {
            double s = 0;
            for (int b = 0; b < k; b++) s += inv[a][b] * rhs[b];
            out[kept.get(a)] = s;
        }
        return out;
    }

    @Test
    void unstructuredMaskHasTheAskedSparsityInEveryBlock() {
        Random rnd = new Random();
        int rows = 16, cols = 100, blocksize = 32;
        double sparsity = 0.6;
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix x = ObsTestSupport.inputs(arena, rnd, 200, cols);
            FloatMatrix w = ObsTestSupport.weights(arena, rnd, rows, cols);
            new SparseGpt(null, null, 0, blocksize, 0.01).compress(new Linear("w", w, null, false), ObsTestSupport.hessian(arena, x, backend),
                    sparsity, backend, arena, line -> { });
            for (int i1 = 0; i1 < cols; i1 += blocksize) {
                int i2 = Math.min(cols, i1 + blocksize), n = rows * (i2 - i1), zeros = 0;
                for (int r = 0; r < rows; r++) for (int c = i1; c < i2; c++) if (w.get(r, c) == 0) zeros++;
                // The reference prunes every saliency ≤ the ⌊n·s⌋-th smallest: ⌊n·s⌋ + 1 weights, barring ties.
                assertEquals((int) (n * sparsity) + 1, zeros, "block at column " + i1);
            }
        }
    }

    @Test
    void nOfMMaskIsExactInEveryGroupAndJointQuantizationStaysOnTheGrid() {
        Random rnd = new Random();
        int rows = 16, cols = 64;
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix x = ObsTestSupport.inputs(arena, rnd, 200, cols);
            FloatMatrix w = ObsTestSupport.weights(arena, rnd, rows, cols);
            new SparseGpt(new NmPattern(2, 4), new QuantGrid(4, false), 0, 32, 0.01)
                    .compress(new Linear("w", w, null, false), ObsTestSupport.hessian(arena, x, backend), 0, backend, arena, line -> { });
            for (int r = 0; r < rows; r++) {
                Set<Float> distinct = new HashSet<>();
                for (int c0 = 0; c0 < cols; c0 += 4) {
                    int zeros = 0;
                    for (int c = c0; c < c0 + 4; c++) {
                        if (w.get(r, c) == 0) zeros++;
                        distinct.add(w.get(r, c));
                    }
                    assertTrue(zeros >= 2, "row " + r + " group at " + c0 + " has " + zeros + " zeros");
                }
                assertTrue(distinct.size() <= 16, "row " + r + " has " + distinct.size() + " distinct values on a 4-bit grid");
            }
        }
    }

    @Test
    void deadColumnsAreZeroedAndNothingTurnsNaN() {
        Random rnd = new Random();
        int rows = 8, cols = 32;
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix x = ObsTestSupport.inputs(arena, rnd, 100, cols);
            for (int t = 0; t < 100; t++) {
                x.set(t, 3, 0);
                x.set(t, 17, 0);
            }
            FloatMatrix w = ObsTestSupport.weights(arena, rnd, rows, cols);
            LayerOutcome o = new SparseGpt(null, null, 0, 16, 0.01).compress(new Linear("w", w, null, false),
                    ObsTestSupport.hessian(arena, x, backend), 0.3, backend, arena, line -> { });
            assertEquals(2, o.dead());
            for (int r = 0; r < rows; r++) {
                assertEquals(0f, w.get(r, 3));
                assertEquals(0f, w.get(r, 17));
                for (int c = 0; c < cols; c++) assertFalse(Float.isNaN(w.get(r, c)));
            }
        }
    }

    @Test
    void indefiniteHessianRaisesTheDampingAndSaysSo() {
        try (Arena arena = Arena.ofShared()) {
            // eigenvalues −0.03 and 2.03: positive definite only once the damping exceeds 0.03·mean(diag)
            FloatMatrix h = FloatMatrix.of(arena, 2, 2, new float[]{1, 1.03f, 1.03f, 1});
            List<String> log = new ArrayList<>();
            InverseHessian inv = InverseHessian.factor(h, 0.01, backend, arena, "layer", log::add);
            assertEquals(0.05, inv.percdamp(), 1e-12);
            assertEquals(2, log.size(), String.join("\n", log));
            assertTrue(log.getFirst().contains("not positive definite"), log.getFirst());
        }
    }
}
