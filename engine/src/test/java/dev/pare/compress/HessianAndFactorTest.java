package dev.pare.compress;

import dev.pare.backend.Backend;
import dev.pare.backend.CpuBackend;
import dev.pare.model.Linear;
import dev.pare.tensor.FloatMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class HessianAndFactorTest {
    private static Backend backend;

    @BeforeAll
    static void start() {
        backend = new CpuBackend();
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    @Test
    void hessianIsTheRunningMeanOfTwoXxTransposedOverSequences() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        int cols = 37;
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix[] xs = {ObsTestSupport.inputs(arena, rnd, 50, cols), ObsTestSupport.inputs(arena, rnd, 31, cols), ObsTestSupport.inputs(arena, rnd, 64, cols)};
            Hessian h = new Hessian(arena, cols);
            for (FloatMatrix x : xs) h.add(x, 1, backend);
            for (int i = 0; i < cols; i++)
                for (int j = 0; j < cols; j++) {
                    double s = 0;
                    for (FloatMatrix x : xs) for (int t = 0; t < x.rows(); t++) s += (double) x.get(t, i) * x.get(t, j);
                    double expected = 2.0 / xs.length * s;
                    assertEquals(expected, h.matrix().get(i, j), 1e-4 * Math.max(1, Math.abs(expected)), "seed " + seed + " H[" + i + "," + j + "]");
                }
            assertEquals(3, h.samples());
        }
    }

    @Test
    void inverseCholeskyUpperGivesUTransposeUEqualToTheInverse() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        for (int n : new int[]{1, 7, 64, 300}) {
            try (Arena arena = Arena.ofShared()) {
                FloatMatrix x = ObsTestSupport.inputs(arena, rnd, n + 20, n);
                FloatMatrix h = ObsTestSupport.hessian(arena, x, backend).matrix();
                double[][] expected = ObsTestSupport.inverse(ObsTestSupport.toDouble(h));
                FloatMatrix u = h.copy(arena);
                assertEquals(true, backend.inverseCholeskyUpper(u), "n=" + n);
                double scale = 0;
                for (double[] row : expected) for (double v : row) scale = Math.max(scale, Math.abs(v));
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < i; j++) assertEquals(0f, u.get(i, j), "U must be upper triangular");
                    assertFalse(u.get(i, i) <= 0, "positive diagonal");
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int k = 0; k <= Math.min(i, j); k++) s += (double) u.get(k, i) * u.get(k, j);
                        assertEquals(expected[i][j], s, 2e-3 * scale, "seed " + seed + " n=" + n + " (UᵀU)[" + i + "," + j + "]");
                    }
                }
            }
        }
    }

    @Test
    void notPositiveDefiniteIsReportedNotThrown() {
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix h = FloatMatrix.of(arena, 2, 2, new float[]{1, 2, 2, 1});
            assertFalse(backend.inverseCholeskyUpper(h));
        }
    }

    @Test
    void magnitudePrunesTheSmallestOfTheWholeMatrixAndWandaPerRowByScaledMagnitude() {
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix w = FloatMatrix.of(arena, 2, 4, new float[]{1, -2, 3, -4, 0.5f, 6, -7, 8});
            new Magnitude(null).compress(new Linear("w", w, null, false), null, 0.25, backend, arena, line -> { });
            // ⌊8·0.25⌋ = 2: threshold is the 3rd smallest |w| (1.0... sorted 0.5, 1, 2): ≤ 2 pruned → 3 zeros
            assertEquals(java.util.Arrays.toString(new float[]{0, 0, 3, -4, 0, 6, -7, 8}), java.util.Arrays.toString(w.toArray()));

            FloatMatrix v = FloatMatrix.of(arena, 2, 4, new float[]{1, 1, 1, 1, 4, 3, 2, 1});
            FloatMatrix x = FloatMatrix.of(arena, 1, 4, new float[]{1, 2, 3, 4}); // ‖X_j‖ = 1, 2, 3, 4
            Hessian h = new Hessian(arena, 4);
            h.add(x, 1, backend);
            new Wanda(null).compress(new Linear("v", v, null, false), h, 0.5, backend, arena, line -> { });
            // row 0 scores 1,2,3,4 → prune cols 0,1; row 1 scores 4,6,6,4 → prune 0 and 3 (stable order on the tie)
            assertEquals(java.util.Arrays.toString(new float[]{0, 0, 1, 1, 0, 3, 2, 0}), java.util.Arrays.toString(v.toArray()));
        }
    }
}
