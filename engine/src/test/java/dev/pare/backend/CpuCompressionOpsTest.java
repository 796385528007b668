package dev.pare.backend;

import dev.pare.tensor.FloatMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The compression ops of {@link CpuBackend} ({@link CpuCompressionOps}) against plain double-precision oracles
 * written here, on the scalar path and on every vector width this CPU runs natively, with 3 threads (uneven
 * partitions) and fresh random inputs each run (the seed is in every failure message; {@code -Dpare.test.seed=…}
 * replays one).
 */
class CpuCompressionOpsTest extends OnEveryCpuBackend {
    // ---------------------------------------------------------------------------------------------------------------
    // inverseCholeskyUpper

    /** Sizes around the block (64) and panel widths (8, 16, 32), the 4 KiB stride bump (1024), and the brief's 1000. */
    private static final int[] FACTOR_SIZES = {1, 2, 3, 31, 63, 64, 65, 127, 128, 129, 200, 1000};

    @Test
    void inverseCholeskyUpperMatchesTheDoublePrecisionFactorOfTheInverse() {
        for (int n : FACTOR_SIZES) {
            double[][] h = hessian(n);
            double[][] expected = factorOfInverse(h);
            double scale = 0;
            for (double[] row : expected) for (double v : row) scale = Math.max(scale, Math.abs(v));
            for (CpuBackend backend : BACKENDS) {
                FloatMatrix u = toFloat(h);
                assertTrue(backend.inverseCholeskyUpper(u), () -> backend.name() + " n=" + n + " seed " + seed + ": reported not positive definite");
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < i; j++)
                        if (u.get(i, j) != 0f) fail(backend.name() + " n=" + n + ": U[" + i + "," + j + "] = " + u.get(i, j) + " below the diagonal");
                    // The old dot-product code was within ~3e-7·max|U| on these; the blocked one within ~1e-7.
                    for (int j = i; j < n; j++) check(backend, "U n=" + n + " at (" + i + "," + j + ")", expected[i][j], u.get(i, j), 1e-5 * scale);
                }
            }
        }
    }

    @Test
    void inverseCholeskyUpperInvertsLargeHessiansAcrossManyBlocks() {
        // n³ oracles are too slow here: check UᵀU·H·v = v for random v instead (O(n²)), on the default path.
        try (CpuBackend backend = new CpuBackend(3)) {
            for (int n : new int[]{1024, 2048, 2111}) {
                // Few tokens (quick to build), so more damping keeps H as well conditioned as a layer's.
                double[][] h = hessian(n, 96, 0.1);
                FloatMatrix u = toFloat(h);
                assertTrue(backend.inverseCholeskyUpper(u), "n=" + n + " seed " + seed);
                double[] v = new double[n], hv = new double[n], w = new double[n], back = new double[n];
                for (int i = 0; i < n; i++) v[i] = random.nextGaussian();
                for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) hv[i] += h[i][j] * v[j];
                for (int i = 0; i < n; i++) for (int j = i; j < n; j++) w[i] += u.get(i, j) * hv[j];
                for (int j = 0; j < n; j++) for (int i = 0; i <= j; i++) back[j] += u.get(i, j) * w[i];
                double err = 0, norm = 0;
                for (int i = 0; i < n; i++) {
                    err += (back[i] - v[i]) * (back[i] - v[i]);
                    norm += v[i] * v[i];
                }
                double relative = Math.sqrt(err / norm);
                // Measured about 1e-5 (float's U with H's condition number of ~10³).
                assertTrue(relative < 2e-4, "n=" + n + " seed " + seed + ": ‖UᵀU·H·v − v‖/‖v‖ = " + relative);
            }
        }
    }

    @Test
    void notPositiveDefiniteIsReportedNeverThrownNorNaN() {
        List<double[][]> cases = new ArrayList<>();
        cases.add(new double[][]{{1, 2}, {2, 1}});
        cases.add(new double[5][5]); // zero
        double[][] lastNegative = hessian(129);
        lastNegative[128][128] = -1; // H is factored reversed: this is the first pivot
        cases.add(lastNegative);
        double[][] firstNegative = hessian(129);
        firstNegative[0][0] = -1; // and this the last, alone in the last block
        cases.add(firstNegative);
        double[][] middle = hessian(300);
        middle[150][150] = -middle[150][150]; // an indefinite pivot a few blocks in
        cases.add(middle);
        double[][] nan = hessian(70);
        nan[3][60] = nan[60][3] = Double.NaN;
        cases.add(nan);
        double[][] inf = hessian(40);
        inf[20][20] = Double.POSITIVE_INFINITY;
        cases.add(inf);
        // H = LLᵀ with L unit lower bidiagonal, subdiagonal −2: positive definite in exact arithmetic, but H⁻¹'s entries
        // grow like 4^n, so in float either a pivot fails or U overflows: false either way, never a NaN U.
        int n = 200;
        double[][] grows = new double[n][n];
        for (int i = 0; i < n; i++) {
            grows[i][i] = i == 0 ? 1 : 5;
            if (i > 0) grows[i][i - 1] = grows[i - 1][i] = -2;
        }
        cases.add(grows);
        for (double[][] h : cases) {
            for (CpuBackend backend : BACKENDS) {
                FloatMatrix u = toFloat(h);
                assertFalse(backend.inverseCholeskyUpper(u), () -> backend.name() + " n=" + h.length + ": accepted a matrix that is not positive definite");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // obsLazyUpdate

    @ParameterizedTest(autoCloseArguments = false) // the backends are shared by all tests
    @MethodSource("backends")
    void lazyUpdateSubtractsTheErrorProduct(CpuBackend backend) {
        // {rows, cols, i1, i2}: rest = cols − i2 of 0, 1, under and over a panel, several panel groups.
        int[][] shapes = {{1, 10, 0, 5}, {7, 40, 8, 9}, {13, 300, 128, 256}, {100, 1000, 0, 128}, {6, 160, 0, 128}, {37, 700, 256, 384}, {5, 128, 0, 128}};
        for (int[] s : shapes) {
            int rows = s[0], cols = s[1], i1 = s[2], i2 = s[3], count = i2 - i1;
            FloatMatrix w = random(rows, cols, 1), err = random(rows, count, 1), hinv = random(cols, cols, 1);
            float[] before = w.toArray();
            backend.obsLazyUpdate(w, err, hinv, i1, i2);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    String where = "lazy " + Arrays.toString(s) + " at (" + r + "," + c + ")";
                    if (c < i2) {
                        assertEquals(before[r * cols + c], w.get(r, c), () -> backend.name() + " " + where + " changed, seed " + seed);
                        continue;
                    }
                    double exact = before[r * cols + c], magnitude = Math.abs(exact);
                    for (int k = 0; k < count; k++) {
                        double t = (double) err.get(r, k) * hinv.get(i1 + k, c);
                        exact -= t;
                        magnitude += Math.abs(t);
                    }
                    check(backend, where, exact, w.get(r, c), (count + 2) * U * magnitude);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // obsBlock: the column sweep

    /** {rows, cols, i1, i2}: rows around the lanes (4, 8, 16), blocks of 1, a few and 128 columns, inside wider W. */
    private static final int[][] SWEEP_SHAPES = {{1, 8, 0, 8}, {5, 20, 3, 4}, {16, 64, 0, 64}, {17, 100, 36, 100}, {37, 300, 128, 256}, {40, 128, 0, 128}};

    @ParameterizedTest(autoCloseArguments = false) // the backends are shared by all tests
    @MethodSource("backends")
    void sweepOnAFixedMaskMatchesTheDoubleSweep(CpuBackend backend) {
        for (int[] s : SWEEP_SHAPES) {
            Sweep in = sweepInputs(s);
            byte[] mask = new byte[in.rows * in.count];
            for (int k = 0; k < mask.length; k++) mask[k] = (byte) (random.nextDouble() < 0.5 ? 1 : 0);
            Result got = in.run(backend, mask, 0, 0, null, null, 0);
            for (int r = 0; r < in.rows; r++) {
                double[] w = in.rowInDouble(r);
                double loss = 0;
                for (int i = 0; i < in.count; i++) {
                    double d = in.hinv.get(in.i1 + i, in.i1 + i), q = mask[r * in.count + i] != 0 ? 0 : w[i], e = (w[i] - q) / d;
                    loss += (w[i] - q) * (w[i] - q) / (d * d);
                    for (int j = i + 1; j < in.count; j++) w[j] -= e * in.hinv.get(in.i1 + i, in.i1 + j);
                    String where = "sweep " + Arrays.toString(s) + " at (" + r + "," + i + ")";
                    if (q == 0) assertEquals(0f, got.w.get(r, in.i1 + i), () -> backend.name() + " " + where + " pruned but not zero, seed " + seed);
                    else check(backend, where, q, got.w.get(r, in.i1 + i), 1e-5 * (1 + Math.abs(q)));
                    check(backend, where + " err", e, got.err.get(r, i), 1e-5 * (1 + Math.abs(e)));
                }
                check(backend, "sweep " + Arrays.toString(s) + " loss of row " + r, in.lossBefore[r] + loss / 2, got.losses[r], 1e-5 * (1 + loss));
                in.checkUntouched(backend, got.w, r);
            }
        }
    }

    @ParameterizedTest(autoCloseArguments = false) // the backends are shared by all tests
    @MethodSource("backends")
    void nOfMSweepPrunesTheSmallestOfEveryWindowAsTheDoubleSweepWould(CpuBackend backend) {
        for (int[] nm : new int[][]{{2, 4}, {1, 3}, {4, 8}}) {
            for (int[] s : SWEEP_SHAPES) {
                Sweep in = sweepInputs(s);
                int n = nm[0], m = nm[1];
                Result got = in.run(backend, null, n, m, null, null, 0);
                // Replays the double sweep with the choices made, checking each choice: the pruned ones (zeros: a kept
                // weight of a random row is never exactly 0) have the n smallest w²/d², up to float rounding.
                for (int r = 0; r < in.rows; r++) {
                    double[] w = in.rowInDouble(r);
                    for (int i = 0; i < in.count; i++) {
                        String where = nm[0] + ":" + nm[1] + " sweep " + Arrays.toString(s) + " at (" + r + "," + i + ")";
                        if (i % m == 0) {
                            int len = Math.min(m, in.count - i), pruned = 0;
                            double maxPruned = 0, minKept = Double.POSITIVE_INFINITY;
                            for (int j = i; j < i + len; j++) {
                                double d = in.hinv.get(in.i1 + j, in.i1 + j), score = w[j] * w[j] / (d * d);
                                if (got.w.get(r, in.i1 + j) == 0) {
                                    pruned++;
                                    maxPruned = Math.max(maxPruned, score);
                                } else {
                                    minKept = Math.min(minKept, score);
                                }
                            }
                            assertEquals(Math.min(n, len), pruned, () -> backend.name() + " " + where + ": pruned count, seed " + seed);
                            if (maxPruned > minKept * (1 + 1e-4))
                                fail(backend.name() + " " + where + ": pruned a score of " + maxPruned + " but kept one of " + minKept + ", seed " + seed);
                        }
                        double d = in.hinv.get(in.i1 + i, in.i1 + i), q = got.w.get(r, in.i1 + i) == 0 ? 0 : w[i], e = (w[i] - q) / d;
                        if (q != 0) check(backend, where, q, got.w.get(r, in.i1 + i), 1e-5 * (1 + Math.abs(q)));
                        check(backend, where + " err", e, got.err.get(r, i), 1e-5 * (1 + Math.abs(e)));
                        for (int j = i + 1; j < in.count; j++) w[j] -= e * in.hinv.get(in.i1 + i, in.i1 + j);
                    }
                    in.checkUntouched(backend, got.w, r);
                }
            }
        }
    }

    @ParameterizedTest(autoCloseArguments = false) // the backends are shared by all tests
    @MethodSource("backends")
    void quantizingSweepRoundsToTheGridAsTheDoubleSweepWould(CpuBackend backend) {
        int maxq = 15;
        for (int[] s : SWEEP_SHAPES) {
            Sweep in = sweepInputs(s);
            FloatMatrix scale = FloatMatrix.allocate(arena, in.rows, in.count), zero = FloatMatrix.allocate(arena, in.rows, in.count);
            for (int r = 0; r < in.rows; r++)
                for (int i = 0; i < in.count; i++) {
                    // Grids change along the row as GPTQ's groups do; some weights fall off either end of the grid.
                    scale.set(r, i, (float) (0.02 + 0.03 * random.nextDouble()));
                    zero.set(r, i, (float) Math.rint(random.nextDouble() * maxq));
                }
            Result got = in.run(backend, null, 0, 0, scale, zero, maxq);
            for (int r = 0; r < in.rows; r++) {
                double[] w = in.rowInDouble(r);
                double loss = 0;
                for (int i = 0; i < in.count; i++) {
                    String where = "quantizing sweep " + Arrays.toString(s) + " at (" + r + "," + i + ")";
                    float sc = scale.get(r, i), z = zero.get(r, i), q = got.w.get(r, in.i1 + i);
                    // On the grid, and the grid point nearest w unless w is within rounding of a midpoint.
                    double level = Math.rint(q / sc + z);
                    assertTrue(Math.abs(q / sc + z - level) < 1e-3 && level >= 0 && level <= maxq,
                            () -> backend.name() + " " + where + ": " + q + " is off the grid, seed " + seed);
                    double v = w[i] / sc + z, nearest = Math.max(0, Math.min(maxq, Math.rint(v)));
                    if (Math.abs(Math.abs(v - Math.floor(v)) - 0.5) > 1e-3 && level != nearest)
                        fail(backend.name() + " " + where + ": level " + level + " for w/scale + zero = " + v + ", seed " + seed);
                    double d = in.hinv.get(in.i1 + i, in.i1 + i), e = (w[i] - q) / d;
                    loss += (w[i] - q) * (w[i] - q) / (d * d);
                    check(backend, where + " err", e, got.err.get(r, i), 1e-5 * (1 + Math.abs(e)));
                    for (int j = i + 1; j < in.count; j++) w[j] -= e * in.hinv.get(in.i1 + i, in.i1 + j);
                }
                check(backend, "quantizing sweep " + Arrays.toString(s) + " loss of row " + r, in.lossBefore[r] + loss / 2, got.losses[r], 1e-4 * (1 + loss));
                in.checkUntouched(backend, got.w, r);
            }
        }
    }

    @Test
    void everyPathGivesTheSameBits() {
        // Each element is computed in an order fixed by the block size and the depth chunks alone: the scalar path,
        // every vector width and every partition give the same bits.
        for (int n : new int[]{129, 300}) {
            double[][] h = hessian(n);
            float[] expected = null;
            for (CpuBackend backend : BACKENDS) {
                FloatMatrix u = toFloat(h);
                assertTrue(backend.inverseCholeskyUpper(u));
                if (expected == null) expected = u.toArray();
                else assertArrayEquals(expected, u.toArray(), 0f, () -> backend.name() + " inverseCholeskyUpper n=" + n + " seed " + seed);
            }
        }
        {
            FloatMatrix w0 = random(37, 500, 1), err = random(37, 128, 1), hinv = random(500, 500, 1);
            float[] expected = null;
            for (CpuBackend backend : BACKENDS) {
                FloatMatrix w = w0.copy(arena);
                backend.obsLazyUpdate(w, err, hinv, 100, 228);
                if (expected == null) expected = w.toArray();
                else assertArrayEquals(expected, w.toArray(), 0f, () -> backend.name() + " obsLazyUpdate seed " + seed);
            }
        }
        // Sweeps: a mask; N:M windows that do and do not divide the vector sweep's sub-blocks; N:M with quantization.
        int[][] configs = {{0, 0, 0}, {2, 4, 0}, {2, 3, 0}, {3, 8, 1}, {0, 0, 1}, {5, 32, 1}};
        for (int[] s : SWEEP_SHAPES) {
            for (int[] c : configs) {
                Sweep in = sweepInputs(s);
                byte[] mask = null;
                if (c[0] == 0 && c[2] == 0) {
                    mask = new byte[in.rows * in.count];
                    for (int k = 0; k < mask.length; k++) mask[k] = (byte) (random.nextDouble() < 0.4 ? 1 : 0);
                }
                FloatMatrix scale = null, zero = null;
                if (c[2] != 0) {
                    scale = FloatMatrix.allocate(arena, in.rows, in.count);
                    zero = FloatMatrix.allocate(arena, in.rows, in.count);
                    scale.fill(0.03f);
                    zero.fill(4);
                }
                Result expected = null;
                for (CpuBackend backend : BACKENDS) {
                    Result got = in.run(backend, mask, c[0], c[1], scale, zero, 7);
                    if (expected == null) {
                        expected = got;
                        continue;
                    }
                    String what = backend.name() + " sweep " + Arrays.toString(s) + " " + Arrays.toString(c) + " seed " + seed;
                    assertArrayEquals(expected.w.toArray(), got.w.toArray(), 0f, () -> what + ": weights");
                    assertArrayEquals(expected.err.toArray(), got.err.toArray(), 0f, () -> what + ": errors");
                    assertArrayEquals(expected.losses, got.losses, 0, () -> what + ": losses");
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // obsBlockMask

    @ParameterizedTest(autoCloseArguments = false) // the backends are shared by all tests
    @MethodSource("backends")
    void maskPrunesAsTheReferenceSortDoes(CpuBackend backend) {
        for (double sparsity : new double[]{0, 0.3, 0.5, 0.9, 1}) {
            for (boolean ties : new boolean[]{false, true}) {
                int rows = 23, cols = 300, i1 = 128, i2 = 256, count = i2 - i1;
                FloatMatrix w = random(rows, cols, 1), hinv = random(cols, cols, 1);
                // Few distinct values: many saliencies tie at the threshold, and all of them go (tmp <= thresh).
                if (ties) for (long k = 0; k < w.size(); k++) w.segment().setAtIndex(FloatMatrix.F32, k, (float) random.nextInt(-3, 4));
                byte[] got = backend.obsBlockMask(w, hinv, i1, i2, sparsity);
                float[] saliency = new float[rows * count];
                for (int r = 0; r < rows; r++)
                    for (int i = 0; i < count; i++) {
                        float d = hinv.get(i1 + i, i1 + i), v = w.get(r, i1 + i);
                        saliency[r * count + i] = v * v / (d * d);
                    }
                float[] sorted = saliency.clone();
                Arrays.sort(sorted);
                float thresh = sorted[Math.min(sorted.length - 1, (int) (saliency.length * sparsity))];
                for (int k = 0; k < saliency.length; k++)
                    if (got[k] != (saliency[k] <= thresh ? 1 : 0))
                        fail(backend.name() + " mask sparsity " + sparsity + " ties " + ties + " at " + k + ": " + got[k] + " for saliency "
                                + saliency[k] + " against threshold " + thresh + ", seed " + seed);
            }
        }
    }

    @Test
    void selectionFollowsArraysSortOrder() {
        float[] special = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE,
                Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f, 1f, Float.intBitsToFloat(0xffc00000) /* a negative NaN */};
        for (int size : new int[]{1, 2, 13, 100, 5000}) {
            float[] v = new float[size];
            for (int k = 0; k < size; k++)
                v[k] = random.nextInt(4) == 0 ? special[random.nextInt(special.length)] : (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-30, 30)));
            float[] sorted = v.clone();
            Arrays.sort(sorted);
            int[] keys = new int[size];
            for (int k = 0; k < size; k++) keys[k] = CpuCompressionOps.orderKey(v[k]);
            for (int k = 0; k < size; k += Math.max(1, size / 50)) {
                float got = CpuCompressionOps.fromOrderKey(CpuCompressionOps.kthSmallestKey(keys, k));
                assertEquals(Float.floatToIntBits(sorted[k]), Float.floatToIntBits(got), "k=" + k + " of " + size + ", seed " + seed);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // accumulateGram

    @ParameterizedTest(autoCloseArguments = false) // the backends are shared by all tests
    @MethodSource("backends")
    void accumulateGramAddsTheScaledGramMatrix(CpuBackend backend) {
        for (int[] s : new int[][]{{1, 1}, {5, 3}, {50, 37}, {300, 70}}) {
            int tokens = s[0], cols = s[1];
            FloatMatrix x = random(tokens, cols, 2), h = random(cols, cols, 1);
            float[] before = h.toArray();
            float decay = 0.7f, alpha = 0.3f;
            backend.accumulateGram(h, x, decay, alpha);
            for (int i = 0; i < cols; i++)
                for (int j = 0; j < cols; j++) {
                    double dot = 0, magnitude = 0;
                    for (int t = 0; t < tokens; t++) {
                        dot += (double) x.get(t, i) * x.get(t, j);
                        magnitude += Math.abs((double) x.get(t, i) * x.get(t, j));
                    }
                    double exact = decay * before[i * cols + j] + alpha * dot;
                    check(backend, "gram " + Arrays.toString(s) + " at (" + i + "," + j + ")", exact, h.get(i, j),
                            (tokens + 4) * U * (Math.abs(decay * before[i * cols + j]) + alpha * magnitude));
                }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // inputs and oracles

    /** A layer's damped Hessian as the methods see it: (2/t)·XᵀX of calibration-like inputs (N(0,1), every 7th feature ×4), + 1% of its mean diagonal. */
    private double[][] hessian(int n) {
        return hessian(n, n + 32, 0.01);
    }

    private double[][] hessian(int n, int tokens, double percdamp) {
        float[][] x = new float[tokens][n];
        for (int t = 0; t < tokens; t++)
            for (int c = 0; c < n; c++) x[t][c] = (float) (random.nextGaussian() * (c % 7 == 0 ? 4 : 1));
        double[][] h = new double[n][n];
        for (int t = 0; t < tokens; t++) {
            float[] row = x[t];
            for (int i = 0; i < n; i++) {
                double xi = row[i];
                if (xi == 0) continue;
                double[] hi = h[i];
                for (int j = 0; j <= i; j++) hi[j] += xi * row[j];
            }
        }
        double mean = 0;
        for (int i = 0; i < n; i++) mean += h[i][i] * 2 / tokens;
        mean /= n;
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) {
                // Rounded to float here, so that the oracle and the op see the same matrix.
                h[i][j] = h[j][i] = (float) (h[i][j] * 2 / tokens + (i == j ? percdamp * mean : 0));
            }
        return h;
    }

    /** The references' route in double: L = chol(H), H⁻¹ = L⁻ᵀL⁻¹, then U with H⁻¹ = UᵀU (cholesky(upper=True)). */
    private static double[][] factorOfInverse(double[][] h) {
        int n = h.length;
        double[][] l = choleskyLower(h);
        double[][] li = new double[n][n]; // L⁻¹, column by column: L·y = e_j
        for (int j = 0; j < n; j++) {
            li[j][j] = 1 / l[j][j];
            for (int i = j + 1; i < n; i++) {
                double s = 0;
                for (int p = j; p < i; p++) s += l[i][p] * li[p][j];
                li[i][j] = -s / l[i][i];
            }
        }
        double[][] inv = new double[n][n];
        for (int k = 0; k < n; k++)
            for (int i = 0; i <= k; i++) {
                double lki = li[k][i];
                if (lki == 0) continue;
                for (int j = 0; j <= k; j++) inv[i][j] += lki * li[k][j];
            }
        double[][] m = choleskyLower(inv); // H⁻¹ = MMᵀ, so U = Mᵀ
        double[][] u = new double[n][n];
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++) u[i][j] = m[j][i];
        return u;
    }

    private static double[][] choleskyLower(double[][] a) {
        int n = a.length;
        double[][] l = new double[n][n];
        for (int j = 0; j < n; j++) {
            double d = a[j][j];
            for (int p = 0; p < j; p++) d -= l[j][p] * l[j][p];
            l[j][j] = Math.sqrt(d);
            for (int i = j + 1; i < n; i++) {
                double s = a[i][j];
                for (int p = 0; p < j; p++) s -= l[i][p] * l[j][p];
                l[i][j] = s / l[j][j];
            }
        }
        return l;
    }

    private FloatMatrix toFloat(double[][] a) {
        FloatMatrix m = FloatMatrix.allocate(arena, a.length, a.length);
        for (int i = 0; i < a.length; i++)
            for (int j = 0; j < a.length; j++) m.set(i, j, (float) a[i][j]);
        return m;
    }

    private FloatMatrix random(int rows, int cols, double scale) {
        FloatMatrix m = FloatMatrix.allocate(arena, rows, cols);
        for (long i = 0; i < m.size(); i++) m.segment().setAtIndex(FloatMatrix.F32, i, (float) (random.nextGaussian() * scale));
        return m;
    }

    /**
     * One sweep problem: W (rows × cols) with the block [i1, i2) inside, and a real Hinv (the upper factor of a random
     * Hessian's inverse, in double, rounded), so that errors propagate as they do in a layer.
     */
    private Sweep sweepInputs(int[] s) {
        int rows = s[0], cols = s[1];
        FloatMatrix hinv = toFloat(factorOfInverse(hessian(cols)));
        double[] lossBefore = new double[rows];
        for (int r = 0; r < rows; r++) lossBefore[r] = random.nextDouble();
        return new Sweep(random(rows, cols, 0.1), hinv, s[2], s[3], lossBefore);
    }

    private record Result(FloatMatrix w, FloatMatrix err, double[] losses) {
    }

    private final class Sweep {
        final FloatMatrix w0, hinv;
        final int rows, count, i1, i2;
        final double[] lossBefore;

        Sweep(FloatMatrix w0, FloatMatrix hinv, int i1, int i2, double[] lossBefore) {
            this.w0 = w0;
            this.hinv = hinv;
            this.rows = w0.rows();
            this.i1 = i1;
            this.i2 = i2;
            this.count = i2 - i1;
            this.lossBefore = lossBefore;
        }

        Result run(CpuBackend backend, byte[] mask, int prunen, int prunem, FloatMatrix scale, FloatMatrix zero, int maxq) {
            FloatMatrix w = w0.copy(arena), err = FloatMatrix.allocate(arena, rows, count);
            double[] losses = lossBefore.clone();
            backend.obsBlock(new ObsBlock(w, hinv, i1, i2, mask, prunen, prunem, scale, zero, maxq, err, losses));
            return new Result(w, err, losses);
        }

        double[] rowInDouble(int r) {
            double[] w = new double[count];
            for (int i = 0; i < count; i++) w[i] = w0.get(r, i1 + i);
            return w;
        }

        /** The columns outside the block are the sweep's to leave alone. */
        void checkUntouched(CpuBackend backend, FloatMatrix w, int r) {
            for (int c = 0; c < w.cols(); c++)
                if ((c < i1 || c >= i2) && w.get(r, c) != w0.get(r, c))
                    fail(backend.name() + " sweep changed column " + c + " of row " + r + " outside the block [" + i1 + ", " + i2 + "), seed " + seed);
        }
    }

    private void check(CpuBackend backend, String what, double expected, double actual, double tolerance) {
        if (!(Math.abs(expected - actual) <= tolerance))
            fail(backend.name() + " " + what + ": expected " + expected + ", got " + actual + " (tolerance " + tolerance + "), seed " + seed);
    }
}
