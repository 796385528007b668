package dev.pare.backend;

import dev.pare.tensor.FloatMatrix;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every op of {@link CpuBackend} against a plain double-precision oracle written here, on the scalar path and on every
 * vector width this CPU runs natively, with fresh random inputs each run (the seed is in every failure message;
 * {@code -Dpare.test.seed=…} replays one).
 */
class CpuBackendTest extends OnEveryCpuBackend {
    // ---------------------------------------------------------------------------------------------------------------
    // linear

    /**
     * {n, k, m}: decode rows, tails of every vector width, partial panels, several depth blocks (k &gt; 512, see
     * Kernels.LINEAR_DEPTH_BLOCK) and several packed row blocks of x.
     */
    private static final int[][] LINEAR_SHAPES = {
            {1, 1, 1}, {1, 17, 5}, {2, 64, 40}, {5, 33, 70}, {6, 16, 32}, {7, 100, 33}, {13, 257, 65},
            {50, 300, 129}, {150, 520, 300}, {300, 64, 7},
            // several row blocks share one packed copy of w: two depth blocks, a partial panel
            {520, 600, 70},
    };

    /** Row minima and maxima over a column window, widened to include 0, against a plain loop. */
    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("backends")
    void rowRangesMatchAPlainLoop(CpuBackend backend) {
        FloatMatrix w = random(37, 300, 2);
        for (int[] window : new int[][]{{0, 300}, {128, 256}, {299, 300}, {5, 5}}) {
            float[] min = new float[37], max = new float[37];
            backend.rowRanges(w, window[0], window[1], min, max);
            for (int r = 0; r < 37; r++) {
                float lo = 0, hi = 0;
                for (int c = window[0]; c < window[1]; c++) {
                    lo = Math.min(lo, w.get(r, c));
                    hi = Math.max(hi, w.get(r, c));
                }
                assertEquals(lo, min[r], 0f, "min row " + r + " " + Arrays.toString(window) + ", seed " + seed);
                assertEquals(hi, max[r], 0f, "max row " + r + " " + Arrays.toString(window) + ", seed " + seed);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> backend.rowRanges(w, 10, 301, new float[37], new float[37]));
    }

    /** tr(A·H·Aᵀ) against the double sum Σ_r Σ_ij a_ri·H_ij·a_rj, for a symmetric H. */
    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("backends")
    void quadraticFormMatchesDoubleOracle(CpuBackend backend) {
        for (int[] s : new int[][]{{1, 1}, {7, 33}, {40, 130}}) {
            FloatMatrix a = random(s[0], s[1], 1), g = random(s[1], s[1], 1), h = FloatMatrix.allocate(arena, s[1], s[1]);
            for (int i = 0; i < s[1]; i++)
                for (int j = 0; j < s[1]; j++) h.set(i, j, g.get(i, j) + g.get(j, i));
            double exact = 0, magnitude = 0;
            for (int r = 0; r < s[0]; r++)
                for (int i = 0; i < s[1]; i++)
                    for (int j = 0; j < s[1]; j++) {
                        double t = (double) a.get(r, i) * h.get(i, j) * a.get(r, j);
                        exact += t;
                        magnitude += Math.abs(t);
                    }
            double got = backend.quadraticForm(a, h);
            assertEquals(exact, got, 4 * s[1] * U * magnitude + 1e-12, "quadraticForm " + s[0] + "x" + s[1] + ", seed " + seed);
        }
        assertThrows(IllegalArgumentException.class, () -> backend.quadraticForm(random(3, 4, 1), random(5, 5, 1)));
    }

    @ParameterizedTest(autoCloseArguments = false) // the backends are shared by all tests
    @MethodSource("backends")
    void linearMatchesDoubleOracle(CpuBackend backend) {
        for (int[] s : LINEAR_SHAPES) {
            for (boolean withBias : new boolean[]{false, true}) {
                int n = s[0], k = s[1], m = s[2];
                FloatMatrix x = random(n, k, 1), w = random(m, k, 1), bias = withBias ? random(1, m, 1) : null;
                FloatMatrix out = FloatMatrix.allocate(arena, n, m);
                backend.linear(x, w, bias, out);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < m; j++) {
                        double exact = 0, magnitude = 0;
                        for (int p = 0; p < k; p++) {
                            double t = (double) x.get(i, p) * w.get(j, p);
                            exact += t;
                            magnitude += Math.abs(t);
                        }
                        double b = bias == null ? 0 : bias.get(0, j);
                        // A float sum of k products in any order is within (k+1)·u·Σ|terms| of the exact one.
                        double tolerance = (k + 2) * U * (magnitude + Math.abs(b));
                        check(backend, "linear " + Arrays.toString(s) + " bias=" + withBias + " at (" + i + "," + j + ")",
                                exact + b, out.get(i, j), tolerance);
                    }
                }
            }
        }
    }

    @Test
    void linearIsBitwiseIdenticalAcrossVectorWidthsAndScalar() {
        // Per output, each depth block is one FMA chain from 0 and the block sums are added in order, then the bias, on
        // every path with at least 6 rows: widths change nothing but speed.
        for (int[] s : LINEAR_SHAPES) {
            int n = s[0], k = s[1], m = s[2];
            FloatMatrix x = random(n, k, 1), w = random(m, k, 1), bias = random(1, m, 1);
            FloatMatrix expected = FloatMatrix.allocate(arena, n, m);
            scalar.linear(x, w, bias, expected);
            for (CpuBackend backend : BACKENDS) {
                FloatMatrix out = FloatMatrix.allocate(arena, n, m);
                backend.linear(x, w, bias, out);
                if (n >= 6) {
                    assertArrayEquals(expected.toArray(), out.toArray(), 0f, () -> backend.name() + " linear " + Arrays.toString(s) + " seed " + seed);
                    continue;
                }
                // Decoding rows split the k sums over vector lanes: both within (k+1)·u·Σ|x·w| of the exact sum.
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < m; j++) {
                        double magnitude = Math.abs(bias.get(0, j));
                        for (int p = 0; p < k; p++) magnitude += Math.abs((double) x.get(i, p) * w.get(j, p));
                        check(backend, "linear " + Arrays.toString(s) + " against the scalar path at (" + i + "," + j + ")",
                                expected.get(i, j), out.get(i, j), 2 * (k + 2) * U * magnitude);
                    }
                }
            }
        }
    }

    @Test
    void linearRejectsMismatchedShapes() {
        FloatMatrix x = random(4, 8, 1), w = random(3, 7, 1), out = FloatMatrix.allocate(arena, 4, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> scalar.linear(x, w, null, out));
        assertTrue(e.getMessage().contains("4x8") && e.getMessage().contains("3x7"), e.getMessage());
        FloatMatrix w2 = random(3, 8, 1), wrongOut = FloatMatrix.allocate(arena, 4, 4);
        assertThrows(IllegalArgumentException.class, () -> scalar.linear(x, w2, null, wrongOut));
        assertThrows(IllegalArgumentException.class, () -> scalar.linear(x, w2, random(1, 4, 1), out));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // norms

    @ParameterizedTest(autoCloseArguments = false) // the backends are shared by all tests
    @MethodSource("backends")
    void rmsNormMatchesDoubleOracle(CpuBackend backend) {
        for (int cols : new int[]{1, 7, 33, 100, 257, 1000}) {
            for (boolean inPlace : new boolean[]{false, true}) {
                int rows = 11;
                FloatMatrix x = random(rows, cols, 3), weight = random(1, cols, 2);
                float[] input = x.toArray();
                FloatMatrix out = inPlace ? x : FloatMatrix.allocate(arena, rows, cols);
                float eps = 1e-6f;
                backend.rmsNorm(x, weight, eps, out);
                for (int r = 0; r < rows; r++) {
                    double sumSq = 0;
                    for (int i = 0; i < cols; i++) sumSq += (double) input[r * cols + i] * input[r * cols + i];
                    double scale = 1 / Math.sqrt(sumSq / cols + eps);
                    for (int i = 0; i < cols; i++) {
                        double exact = input[r * cols + i] * scale * weight.get(0, i);
                        check(backend, "rmsNorm cols=" + cols + " inPlace=" + inPlace + " at (" + r + "," + i + ")", exact, out.get(r, i), 3 * U * Math.abs(exact));
                    }
                }
            }
        }
    }

    @ParameterizedTest(autoCloseArguments = false) // the backends are shared by all tests
    @MethodSource("backends")
    void layerNormMatchesDoubleOracle(CpuBackend backend) {
        for (int cols : new int[]{1, 2, 9, 64, 129, 1000}) {
            // An offset of 1000 makes the mean large next to the spread: the centring must not lose the small part.
            for (float offset : new float[]{0f, 1000f}) {
                int rows = 7;
                FloatMatrix x = random(rows, cols, 2), weight = random(1, cols, 2), bias = random(1, cols, 1);
                for (long i = 0; i < x.size(); i++) x.segment().setAtIndex(FloatMatrix.F32, i, x.segment().getAtIndex(FloatMatrix.F32, i) + offset);
                float[] input = x.toArray();
                FloatMatrix out = offset == 0 ? x : FloatMatrix.allocate(arena, rows, cols);
                float eps = 1e-5f;
                backend.layerNorm(x, weight, bias, eps, out);
                for (int r = 0; r < rows; r++) {
                    double mean = 0, var = 0;
                    for (int i = 0; i < cols; i++) mean += input[r * cols + i];
                    mean /= cols;
                    for (int i = 0; i < cols; i++) var += Math.pow(input[r * cols + i] - mean, 2);
                    var /= cols;
                    for (int i = 0; i < cols; i++) {
                        double scaled = (input[r * cols + i] - mean) / Math.sqrt(var + eps) * weight.get(0, i);
                        double exact = scaled + bias.get(0, i);
                        check(backend, "layerNorm cols=" + cols + " offset=" + offset + " at (" + r + "," + i + ")", exact, out.get(r, i),
                                4 * U * (Math.abs(scaled) + Math.abs(bias.get(0, i))) + 1e-30);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // rope

    @ParameterizedTest(autoCloseArguments = false) // the backends are shared by all tests
    @MethodSource("backends")
    void ropeMatchesHuggingFaceRotateHalf(CpuBackend backend) {
        int[][] cases = {{3, 2, 0}, {2, 6, 5}, {3, 34, 0}, {4, 64, 1000}, {2, 128, 4090}}; // {heads, headDim, pos0}
        for (int[] c : cases) {
            for (double theta : new double[]{10000, 500000}) {
                int heads = c[0], headDim = c[1], pos0 = c[2], rows = 9, half = headDim / 2;
                FloatMatrix x = random(rows, heads * headDim, 2);
                float[] input = x.toArray();
                backend.rope(x, heads, headDim, pos0, theta);
                for (int t = 0; t < rows; t++) {
                    for (int h = 0; h < heads; h++) {
                        int base = t * heads * headDim + h * headDim;
                        for (int i = 0; i < half; i++) {
                            double angle = (pos0 + t) * Math.pow(theta, -2.0 * i / headDim);
                            double x1 = input[base + i], x2 = input[base + half + i];
                            // cos and sin are rounded to float once: allow that rounding on both terms.
                            double tolerance = 4 * U * (Math.abs(x1) + Math.abs(x2));
                            String where = "rope " + Arrays.toString(c) + " theta=" + theta + " row " + t + " head " + h + " i " + i;
                            check(backend, where, x1 * Math.cos(angle) - x2 * Math.sin(angle), x.get(t, h * headDim + i), tolerance);
                            check(backend, where, x2 * Math.cos(angle) + x1 * Math.sin(angle), x.get(t, h * headDim + half + i), tolerance);
                        }
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // attention

    private record AttentionCase(String name, int t, AttentionSpec spec) {
    }

    private static List<AttentionCase> attentionCases() {
        float[] slopes6 = new float[6];
        for (int h = 0; h < 6; h++) slopes6[h] = (float) Math.pow(2, -8.0 * (h + 1) / 6);
        return List.of(
                new AttentionCase("multi-head", 9, new AttentionSpec(4, 4, 16, 0, 0.25f, 0, null)),
                new AttentionCase("grouped-query, headDim 20", 33, new AttentionSpec(6, 2, 20, 0, (float) (1 / Math.sqrt(20)), 0, null)),
                new AttentionCase("multi-query, sliding window 7", 40, new AttentionSpec(4, 1, 64, 0, 0.125f, 7, null)),
                new AttentionCase("ALiBi", 25, new AttentionSpec(6, 6, 12, 0, (float) (1 / Math.sqrt(12)), 0, slopes6)),
                new AttentionCase("after a cache (pos0 27)", 5, new AttentionSpec(4, 2, 32, 27, (float) (1 / Math.sqrt(32)), 0, null)),
                new AttentionCase("decode one token (pos0 50)", 1, new AttentionSpec(4, 2, 33, 50, 0.2f, 0, null)),
                new AttentionCase("everything: GQA, window 10, ALiBi, pos0 13", 20, new AttentionSpec(6, 3, 40, 13, 0.15f, 10, slopes6)));
    }

    @ParameterizedTest(autoCloseArguments = false) // the backends are shared by all tests
    @MethodSource("backends")
    void attentionMatchesDoubleOracle(CpuBackend backend) {
        for (AttentionCase c : attentionCases()) {
            AttentionSpec s = c.spec();
            int keys = s.pos0() + c.t(), d = s.headDim();
            FloatMatrix q = random(c.t(), s.heads() * d, 1), k = random(keys, s.kvHeads() * d, 1), v = random(keys, s.kvHeads() * d, 1);
            FloatMatrix out = FloatMatrix.allocate(arena, c.t(), s.heads() * d);
            backend.attention(q, k, v, s, out);
            double[] exact = attentionOracle(q, k, v, s, c.t());
            // Score errors of ~1e-6 move probabilities by as much relatively; outputs are averages of |v| ≤ 1.
            assertClose(backend, "attention " + c.name(), exact, out.toArray(), 2e-6);
        }
    }

    private static double[] attentionOracle(FloatMatrix q, FloatMatrix k, FloatMatrix v, AttentionSpec s, int t) {
        int d = s.headDim();
        double[] out = new double[t * s.heads() * d];
        for (int h = 0; h < s.heads(); h++) {
            int kvHead = h / (s.heads() / s.kvHeads());
            for (int row = 0; row < t; row++) {
                int pos = s.pos0() + row;
                double[] score = new double[pos + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= pos; j++) {
                    boolean visible = s.slidingWindow() == 0 || j > pos - s.slidingWindow();
                    if (!visible) {
                        score[j] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double dot = 0;
                    for (int i = 0; i < d; i++) dot += (double) q.get(row, h * d + i) * k.get(j, kvHead * d + i);
                    score[j] = s.scale() * dot + (s.alibiSlopes() == null ? 0 : (double) s.alibiSlopes()[h] * j);
                    max = Math.max(max, score[j]);
                }
                double sum = 0;
                for (int j = 0; j <= pos; j++) sum += score[j] = Math.exp(score[j] - max);
                for (int i = 0; i < d; i++) {
                    double acc = 0;
                    for (int j = 0; j <= pos; j++) acc += score[j] / sum * v.get(j, kvHead * d + i);
                    out[row * s.heads() * d + h * d + i] = acc;
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // activations and element-wise ops

    @ParameterizedTest(autoCloseArguments = false) // the backends are shared by all tests
    @MethodSource("backends")
    void activationsMatchDoubleOracle(CpuBackend backend) {
        for (Activation act : Activation.values()) {
            for (int size : new int[]{1, 15, 1000, 4099}) {
                FloatMatrix x = random(1, size, 10);
                // The edges of the intervals of the erf approximation, its far tail, and exact zeros.
                float[] special = {0f, -0f, 0.6629126f, -0.6629126f, 5.656854f, -5.656854f, -12f, 12f, -30f, 40f, 1e-20f};
                for (int i = 0; i < Math.min(size, special.length); i++) x.set(0, i * (size / special.length + 1) % size, special[i]);
                float[] input = x.toArray();
                backend.activate(act, x);
                for (int i = 0; i < size; i++) {
                    double xi = input[i], exact = activationOracle(act, xi);
                    // GELU is evaluated in double and rounded once. The others take e^a of a float argument a, whose
                    // rounding (a few ulps of |a|) becomes a relative error of a few·|a|·u in the result.
                    double tolerance = switch (act) {
                        case RELU -> 0;
                        case GELU -> 2 * U * Math.abs(exact);
                        case GELU_TANH -> (8 + 4 * Math.abs(2 * geluTanhArgument(xi))) * U * Math.abs(exact);
                        case SILU -> (8 + 4 * Math.abs(xi)) * U * Math.abs(exact);
                    } + 0x1p-126; // results below float's normal range round to subnormals or zero
                    check(backend, act + " size " + size + " x=" + input[i], exact, x.get(0, i), tolerance);
                }
            }
        }
    }

    private static double activationOracle(Activation act, double x) {
        return switch (act) {
            case RELU -> Math.max(x, 0);
            case GELU -> x * 0.5 * erfcOracle(-x / Math.sqrt(2));
            // 0.5·x·(1 + tanh u) written as x/(1 + e^(−2u)): in double too, 1 + tanh u cancels to nothing for x < −6.
            case GELU_TANH -> x / (1 + Math.exp(-2 * geluTanhArgument(x)));
            case SILU -> x / (1 + Math.exp(-x));
        };
    }

    private static double geluTanhArgument(double x) {
        return Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x);
    }

    /**
     * erfc by its Taylor series below 1 and its continued fraction from 1 on, independent of Cody's approximation
     * (checked against mpmath at 40 digits: within 1e-14 relative on [−1, 9]).
     */
    private static double erfcOracle(double x) {
        if (x < 0) return 2 - erfcOracle(-x);
        if (x < 1) {
            double sum = 0, term = x;
            for (int n = 0; n < 200 && Math.abs(term) > 1e-20 * Math.abs(sum) || n == 0; n++) {
                sum += term / (2 * n + 1);
                term *= -x * x / (n + 1);
            }
            return 1 - 2 / Math.sqrt(Math.PI) * sum;
        }
        // erfc x = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated from the bottom
        double f = x;
        for (int k = 3000; k >= 1; k--) f = x + (k / 2.0) / f;
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }

    @Test
    void erfIsAccurateTo1e13Relative() {
        for (int i = 0; i <= 20000; i++) {
            double x = -9 + 18.0 * i / 20000 + random.nextDouble() * 1e-4;
            double erf = 1 - erfcOracle(x), erfc = erfcOracle(x);
            // erf near 0 from its series directly (1 − erfc cancels there)
            if (Math.abs(x) < 0.5) {
                double sum = 0, term = x;
                for (int n = 0; n < 40; n++) {
                    sum += term / (2 * n + 1);
                    term *= -x * x / (n + 1);
                }
                erf = 2 / Math.sqrt(Math.PI) * sum;
            }
            double gotErf = Erf.erf(x), gotErfc = Erf.erfc(x);
            if (Math.abs(gotErf - erf) > 1e-13 * Math.abs(erf) + 1e-300)
                fail("erf(" + x + ") = " + gotErf + ", expected " + erf + " (seed " + seed + ")");
            if (Math.abs(gotErfc - erfc) > 1e-13 * Math.abs(erfc) + 1e-300)
                fail("erfc(" + x + ") = " + gotErfc + ", expected " + erfc + " (seed " + seed + ")");
        }
        assertEquals(0.8427007929497149, Erf.erf(1), 2e-16);
        assertEquals(1.5374597944280349e-12, Erf.erfc(5), 1e-27);
    }

    @ParameterizedTest(autoCloseArguments = false) // the backends are shared by all tests
    @MethodSource("backends")
    void multiplyAndAddAreExactlyFloatArithmetic(CpuBackend backend) {
        for (int[] shape : new int[][]{{1, 1}, {3, 17}, {40, 1001}}) {
            FloatMatrix a = random(shape[0], shape[1], 5), b = random(shape[0], shape[1], 5);
            float[] a0 = a.toArray(), b0 = b.toArray();
            backend.multiply(a, b);
            float[] product = a.toArray();
            backend.add(a, b);
            float[] sum = a.toArray();
            for (int i = 0; i < a0.length; i++) {
                assertEquals(a0[i] * b0[i], product[i], 0f, () -> backend.name() + " multiply " + Arrays.toString(shape) + " seed " + seed);
                assertEquals(product[i] + b0[i], sum[i], 0f, () -> backend.name() + " add " + Arrays.toString(shape) + " seed " + seed);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // cross-entropy

    @ParameterizedTest(autoCloseArguments = false) // the backends are shared by all tests
    @MethodSource("backends")
    void crossEntropyMatchesDoubleLogSumExp(CpuBackend backend) {
        for (int vocab : new int[]{1, 7, 100, 5003}) {
            int rows = 9;
            FloatMatrix logits = random(rows, vocab, 30);
            int[] targets = new int[rows];
            for (int t = 0; t < rows; t++) targets[t] = random.nextInt(vocab);
            double[] nll = backend.crossEntropy(logits, targets);
            for (int t = 0; t < rows; t++) {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int i = 0; i < vocab; i++) max = Math.max(max, logits.get(t, i));
                for (int i = 0; i < vocab; i++) sum += Math.exp(logits.get(t, i) - max);
                double exact = max + Math.log(sum) - logits.get(t, targets[t]);
                check(backend, "crossEntropy vocab " + vocab + " row " + t, exact, nll[t], 1e-12 * (1 + Math.abs(max)));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // properties of the backend as a whole

    @Test
    void vectorPathsMatchScalarPathWithinFloatTolerance() {
        // One input set through every op; each vector width against the scalar path.
        int rows = 37, cols = 3 * 40;
        FloatMatrix x = random(rows, cols, 2), w = random(50, cols, 1), bias = random(1, 50, 1), g = random(1, cols, 1);
        AttentionSpec spec = new AttentionSpec(3, 1, 40, 4, 0.16f, 12, new float[]{0.5f, 0.25f, 0.125f});
        FloatMatrix k = random(rows + 4, 40, 1), v = random(rows + 4, 40, 1);
        int[] targets = random.ints(rows, 0, cols).toArray();
        List<float[]> expected = runAllOps(scalar, x, w, bias, g, spec, k, v, targets);
        for (CpuBackend backend : BACKENDS) {
            List<float[]> got = runAllOps(backend, x, w, bias, g, spec, k, v, targets);
            for (int op = 0; op < expected.size(); op++)
                assertClose(backend, "op " + op + " against the scalar path", toDouble(expected.get(op)), got.get(op), 1e-6);
        }
    }

    @Test
    void resultsDoNotDependOnThreadCount() {
        int rows = 61, cols = 2 * 48;
        FloatMatrix x = random(rows, cols, 2), w = random(300, cols, 1), bias = random(1, 300, 1), g = random(1, cols, 1);
        AttentionSpec spec = new AttentionSpec(2, 2, 48, 3, 0.14f, 0, null);
        FloatMatrix k = random(rows + 3, cols, 1), v = random(rows + 3, cols, 1);
        int[] targets = random.ints(rows, 0, cols).toArray();
        List<float[]> reference = null;
        for (int threads : new int[]{1, 2, 5}) {
            try (CpuBackend backend = new CpuBackend(threads, FloatVector.SPECIES_PREFERRED)) {
                List<float[]> got = runAllOps(backend, x, w, bias, g, spec, k, v, targets);
                if (reference == null) reference = got;
                for (int op = 0; op < got.size(); op++) {
                    String what = "op " + op + " with " + threads + " threads, seed " + seed;
                    if (!usesVectorExp(op)) {
                        assertArrayEquals(reference.get(op), got.get(op), 0f, what);
                        continue;
                    }
                    // The Vector API's EXP is an intrinsic once C2 compiles the kernel and a Java fallback before: the
                    // two may differ in the last place, whichever thread count, so the JIT tier alone can move one ulp.
                    float[] ref = reference.get(op), out = got.get(op);
                    for (int i = 0; i < ref.length; i++) assertEquals(ref[i], out[i], Math.ulp(ref[i]), what + " at " + i);
                }
            }
        }
    }

    /** The ops computed through VectorOperators.EXP (attention's softmax, two activations), by their place in {@link #runAllOps}'s outputs. */
    private static boolean usesVectorExp(int op) {
        int attention = 5, firstActivation = 6; // linear, few rows, rmsNorm, layerNorm, rope, attention, one per activation
        return op == attention || op == firstActivation + Activation.GELU_TANH.ordinal() || op == firstActivation + Activation.SILU.ordinal();
    }

    /** Every op on copies of the inputs; the outputs in order (cross-entropy as floats). */
    private List<float[]> runAllOps(CpuBackend b, FloatMatrix x, FloatMatrix w, FloatMatrix bias, FloatMatrix g, AttentionSpec spec,
                                    FloatMatrix k, FloatMatrix v, int[] targets) {
        List<float[]> outs = new ArrayList<>();
        Consumer<FloatMatrix> keep = m -> outs.add(m.toArray());
        FloatMatrix lin = FloatMatrix.allocate(arena, x.rows(), w.rows());
        b.linear(x, w, bias, lin);
        keep.accept(lin);
        FloatMatrix fewRows = FloatMatrix.allocate(arena, 2, w.rows());
        b.linear(x.rows(0, 2), w, bias, fewRows);
        keep.accept(fewRows);
        FloatMatrix norm = FloatMatrix.allocate(arena, x.rows(), x.cols());
        b.rmsNorm(x, g, 1e-6f, norm);
        keep.accept(norm);
        b.layerNorm(x, g, g, 1e-5f, norm);
        keep.accept(norm);
        FloatMatrix r = x.copy(arena);
        b.rope(r, spec.heads(), spec.headDim(), 7, 10000); // the callers make x [rows × heads·headDim]
        keep.accept(r);
        FloatMatrix att = FloatMatrix.allocate(arena, x.rows(), x.cols());
        b.attention(x, k, v, spec, att);
        keep.accept(att);
        for (Activation act : Activation.values()) {
            FloatMatrix a = x.copy(arena);
            b.activate(act, a);
            keep.accept(a);
        }
        FloatMatrix m = x.copy(arena);
        b.multiply(m, norm);
        b.add(m, x);
        keep.accept(m);
        double[] nll = b.crossEntropy(x, targets);
        float[] nllF = new float[nll.length];
        for (int i = 0; i < nll.length; i++) nllF[i] = (float) nll[i];
        outs.add(nllF);
        return outs;
    }

    @Test
    void widthIsChosenByBitsWithZeroMeaningScalar() {
        try (CpuBackend b = CpuBackend.withVectorBits(0)) {
            assertTrue(b.name().contains("scalar"), b.name());
        }
        try (CpuBackend b = CpuBackend.withVectorBits(128)) {
            assertTrue(b.name().contains("128-bit"), b.name());
        }
        assertThrows(IllegalArgumentException.class, () -> CpuBackend.speciesForBits(1024));
        assertThrows(IllegalArgumentException.class, () -> CpuBackend.speciesForBits(96));
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** A rows × cols matrix of uniform values in [−scale, scale). */
    private FloatMatrix random(int rows, int cols, float scale) {
        FloatMatrix m = FloatMatrix.allocate(arena, rows, cols);
        for (long i = 0; i < m.size(); i++) m.segment().setAtIndex(FloatMatrix.F32, i, (float) ((random.nextDouble() * 2 - 1) * scale));
        return m;
    }

    private void check(CpuBackend backend, String what, double expected, double actual, double tolerance) {
        if (!(Math.abs(actual - expected) <= tolerance) && !(Double.isNaN(expected) && Double.isNaN(actual)))
            fail(backend.name() + " " + what + ": expected " + expected + " but got " + actual + " (error " + Math.abs(actual - expected)
                    + ", tolerance " + tolerance + "; seed " + seed + ")");
    }

    /** Element-wise |got − expected| ≤ tolerance · max(1, max|expected|), and the relative L2 error below the same. */
    private void assertClose(CpuBackend backend, String what, double[] expected, float[] got, double tolerance) {
        assertEquals(expected.length, got.length, what);
        double scale = 1, diff2 = 0, ref2 = 0;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < got.length; i++) {
            check(backend, what + " at " + i, expected[i], got[i], tolerance * scale);
            diff2 += Math.pow(got[i] - expected[i], 2);
            ref2 += expected[i] * expected[i];
        }
        double relL2 = Math.sqrt(diff2 / Math.max(ref2, Double.MIN_NORMAL));
        assertTrue(relL2 <= tolerance, () -> backend.name() + " " + what + ": relative L2 error " + relL2 + " (seed " + seed + ")");
    }

    private void assertClose(CpuBackend backend, String what, float[] expected, float[] got, double tolerance) {
        assertClose(backend, what, toDouble(expected), got, tolerance);
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
