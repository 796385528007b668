package dev.pare.compress;

import dev.pare.backend.Backend;
import dev.pare.backend.CpuBackend;
import dev.pare.model.Linear;
import dev.pare.tensor.FloatMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GptqTest {
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
     * GPTQ's Cholesky/lazy-block formulation against the plain OBQ loop it reformulates: quantize column i, spread the
     * error with the current inverse Hessian, then remove column i from H⁻¹ by the rank-one downdate.
     */
    @Test
    void gptqEqualsColumnByColumnObqOnRandomProblems() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        for (int trial = 0; trial < 3; trial++) {
            int rows = 8 + rnd.nextInt(16), cols = 40 + rnd.nextInt(40), bits = 3 + rnd.nextInt(3);
            // Groups start at block starts (blocksize 16), where the reference's "fit on W as the block begins" is "as updated so far".
            int groupSize = trial == 0 ? 0 : 16 * (1 + rnd.nextInt(3));
            try (Arena arena = Arena.ofShared()) {
                FloatMatrix x = ObsTestSupport.inputs(arena, rnd, 256, cols);
                FloatMatrix w = ObsTestSupport.weights(arena, rnd, rows, cols);
                double[][] expected = obq(ObsTestSupport.toDouble(w), ObsTestSupport.toDouble(ObsTestSupport.hessian(arena, x, backend).matrix()),
                        new QuantGrid(bits, false), groupSize, 0.01);
                Hessian h = ObsTestSupport.hessian(arena, x, backend);
                new Gptq(new QuantGrid(bits, false), groupSize, false, false, 16, 0.01)
                        .compress(new Linear("w", w, null, false), h, 0, backend, arena, line -> { });
                for (int r = 0; r < rows; r++)
                    for (int c = 0; c < cols; c++)
                        assertEquals(expected[r][c], w.get(r, c), 1e-5, "seed " + seed + " trial " + trial + " at (" + r + "," + c + ")");
            }
        }
    }

    /** The oracle: sequential OBQ in double, grids refitted at group starts on the weights as updated so far. */
    static double[][] obq(double[][] w, double[][] h, QuantGrid grid, int groupSize, double percdamp) {
        int rows = w.length, n = h.length;
        double[][] hinv = ObsTestSupport.inverse(ObsTestSupport.damped(h, percdamp));
        double[][] q = new double[rows][n];
        float[] scale = new float[rows], zero = new float[rows];
        fit(w, 0, n, grid, scale, zero);
        for (int i = 0; i < n; i++) {
            if (groupSize > 0 && i % groupSize == 0) fit(w, i, Math.min(n, i + groupSize), grid, scale, zero);
            for (int r = 0; r < rows; r++) {
                q[r][i] = QuantGrid.quantize((float) w[r][i], scale[r], zero[r], grid.maxq());
                double err = (w[r][i] - q[r][i]) / hinv[i][i];
                for (int j = i + 1; j < n; j++) w[r][j] -= err * hinv[i][j];
            }
            // H⁻¹ of the remaining columns: eliminate column i.
            double d = hinv[i][i];
            double[] col = new double[n];
            for (int j = 0; j < n; j++) col[j] = hinv[j][i];
            for (int a = 0; a < n; a++)
                for (int b = 0; b < n; b++) hinv[a][b] -= col[a] * col[b] / d;
        }
        return q;
    }

    private static void fit(double[][] w, int c0, int c1, QuantGrid grid, float[] scale, float[] zero) {
        for (int r = 0; r < w.length; r++) {
            float min = 0, max = 0;
            for (int c = c0; c < c1; c++) {
                min = Math.min(min, (float) w[r][c]);
                max = Math.max(max, (float) w[r][c]);
            }
            grid.fitRange(min, max, scale, zero, r);
        }
    }

    @Test
    void quantizedWeightsLieOnTheirGrid() {
        Random rnd = new Random();
        try (Arena arena = Arena.ofShared()) {
            int rows = 16, cols = 96, bits = 3, g = 32;
            FloatMatrix x = ObsTestSupport.inputs(arena, rnd, 200, cols);
            FloatMatrix w = ObsTestSupport.weights(arena, rnd, rows, cols);
            new Gptq(new QuantGrid(bits, false), g, true, true, 32, 0.01)
                    .compress(new Linear("w", w, null, false), ObsTestSupport.hessian(arena, x, backend), 0, backend, arena, line -> { });
            for (int r = 0; r < rows; r++)
                for (int g0 = 0; g0 < cols; g0 += g) {
                    Set<Float> distinct = new HashSet<>();
                    for (int c = g0; c < g0 + g; c++) distinct.add(w.get(r, c));
                    assertTrue(distinct.size() <= 1 << bits, "row " + r + " group " + g0 / g + " has " + distinct.size() + " values");
                }
        }
    }

    @Test
    void rtnQuantizesEachGroupToItsOwnMinMaxGrid() {
        Random rnd = new Random();
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix w = ObsTestSupport.weights(arena, rnd, 4, 20);
            float[][] before = new float[4][];
            for (int r = 0; r < 4; r++) before[r] = w.row(r);
            new Rtn(new QuantGrid(4, true), 8).compress(new Linear("w", w, null, false), null, 0, backend, arena, line -> { });
            QuantGrid grid = new QuantGrid(4, true);
            for (int r = 0; r < 4; r++)
                for (int g0 = 0; g0 < 20; g0 += 8) {
                    float min = 0, max = 0;
                    for (int c = g0; c < Math.min(20, g0 + 8); c++) {
                        min = Math.min(min, before[r][c]);
                        max = Math.max(max, before[r][c]);
                    }
                    // GPTQ's symmetric grid spans [−max|x|, max|x|], except that a group with no negative value keeps 0 as its low end.
                    float amax = Math.max(-min, max), low = min < 0 ? -amax : 0;
                    float scale = (amax - low) / 15;
                    for (int c = g0; c < Math.min(20, g0 + 8); c++)
                        assertEquals(QuantGrid.quantize(before[r][c], scale, 8, 15), w.get(r, c), 0, "row " + r + " col " + c);
                }
            assertEquals(15, grid.maxq());
        }
    }
}
