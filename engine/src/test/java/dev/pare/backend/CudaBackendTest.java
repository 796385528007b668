package dev.pare.backend;

import dev.pare.backend.cuda.GpuOutOfMemoryException;
import dev.pare.bindings.Cuda;
import dev.pare.compress.Gptq;
import dev.pare.compress.Hessian;
import dev.pare.compress.NmPattern;
import dev.pare.compress.QuantGrid;
import dev.pare.compress.SparseGpt;
import dev.pare.model.Linear;
import dev.pare.tensor.FloatMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every op of {@link CudaBackend} against {@link CpuBackend} on fresh random inputs (the seed is in every failure;
 * {@code -Dpare.test.seed=…} replays one): relative error ‖gpu − cpu‖ / ‖cpu‖ ≤ 1e-4 in FP32, masks bit for bit, and
 * GPTQ and SparseGPT on a random layer. Skipped, with the probe's reason, where CUDA is not usable.
 */
@Tag("gpu")
class CudaBackendTest extends RandomInputs {
    private static final double TOLERANCE = 1e-4;
    private static CudaBackend gpu;
    private static CpuBackend cpu;

    @BeforeAll
    static void open() {
        assumeTrue(Cuda.available(), () -> "no usable GPU: " + Cuda.unavailableReason());
        gpu = new CudaBackend();
        gpu.warmUp();
        cpu = new CpuBackend();
        System.out.println("CudaBackendTest on " + gpu.name());
    }

    @AfterAll
    static void close() {
        if (gpu != null) gpu.close();
        if (cpu != null) cpu.close();
    }

    // ---- forward pass ----

    @Test
    void linearMatchesCpu() {
        int[][] shapes = {{1, 17, 5}, {7, 100, 33}, {64, 256, 130}, {300, 520, 257}, {2048, 512, 1024}};
        for (int[] s : shapes) {
            for (boolean withBias : new boolean[]{false, true}) {
                FloatMatrix x = random(s[0], s[1], 1), w = random(s[2], s[1], 1), bias = withBias ? random(1, s[2], 1) : null;
                FloatMatrix expected = zeros(s[0], s[2]), actual = poisoned(s[0], s[2]);
                cpu.linear(x, w, bias, expected);
                gpu.linear(x, w, bias, actual);
                assertClose("linear " + Arrays.toString(s) + " bias=" + withBias, expected, actual);
            }
        }
    }

    @Test
    void normsMatchCpuAlsoInPlace() {
        for (int cols : new int[]{1, 7, 100, 1000, 4096}) {
            FloatMatrix x = random(11, cols, 3), weight = random(1, cols, 2), bias = random(1, cols, 1);
            // A large common offset: layerNorm must keep the centred values' precision.
            FloatMatrix shifted = copy(x);
            for (long i = 0; i < shifted.size(); i++) shifted.segment().setAtIndex(FloatMatrix.F32, i, shifted.segment().getAtIndex(FloatMatrix.F32, i) + 1000f);
            for (FloatMatrix input : new FloatMatrix[]{x, shifted}) {
                FloatMatrix e = zeros(11, cols), a = poisoned(11, cols);
                cpu.rmsNorm(input, weight, 1e-5f, e);
                gpu.rmsNorm(input, weight, 1e-5f, a);
                assertClose("rmsNorm cols " + cols, e, a);
                cpu.layerNorm(input, weight, bias, 1e-5f, e);
                gpu.layerNorm(input, weight, bias, 1e-5f, a);
                assertClose("layerNorm cols " + cols, e, a);
                FloatMatrix inPlace = copy(input);
                gpu.rmsNorm(inPlace, weight, 1e-6f, inPlace);
                cpu.rmsNorm(input, weight, 1e-6f, e);
                assertClose("rmsNorm in place", e, inPlace);
            }
        }
    }

    @Test
    void ropeMatchesCpu() {
        for (int[] s : new int[][]{{5, 2, 8, 0}, {33, 4, 64, 0}, {7, 8, 128, 1000}, {2048, 32, 128, 0}}) {
            FloatMatrix x = random(s[0], s[1] * s[2], 1);
            FloatMatrix e = copy(x), a = copy(x);
            cpu.rope(e, s[1], s[2], s[3], 10000.0);
            gpu.rope(a, s[1], s[2], s[3], 10000.0);
            assertClose("rope " + Arrays.toString(s), e, a);
        }
    }

    @Test
    void attentionMatchesCpu() {
        float[] slopes6 = new float[6];
        for (int h = 0; h < 6; h++) slopes6[h] = (float) Math.pow(2, -8.0 * (h + 1) / 6);
        Object[][] cases = {
                {"multi-head", 9, new AttentionSpec(4, 4, 16, 0, 0.25f, 0, null)},
                {"grouped-query, headDim 20", 33, new AttentionSpec(6, 2, 20, 0, (float) (1 / Math.sqrt(20)), 0, null)},
                {"multi-query, sliding window 7", 40, new AttentionSpec(4, 1, 64, 0, 0.125f, 7, null)},
                {"ALiBi", 25, new AttentionSpec(6, 6, 12, 0, (float) (1 / Math.sqrt(12)), 0, slopes6)},
                {"after a cache (pos0 27)", 5, new AttentionSpec(4, 2, 32, 27, (float) (1 / Math.sqrt(32)), 0, null)},
                {"LLaMA-7B-like, 512 tokens", 512, new AttentionSpec(32, 32, 128, 0, (float) (1 / Math.sqrt(128)), 0, null)},
        };
        for (Object[] c : cases) {
            AttentionSpec spec = (AttentionSpec) c[2];
            int t = (int) c[1], keys = spec.pos0() + t;
            FloatMatrix q = random(t, spec.heads() * spec.headDim(), 1), k = random(keys, spec.kvHeads() * spec.headDim(), 1),
                    v = random(keys, spec.kvHeads() * spec.headDim(), 1);
            FloatMatrix e = zeros(t, q.cols()), a = poisoned(t, q.cols());
            cpu.attention(q, k, v, spec, e);
            gpu.attention(q, k, v, spec, a);
            assertClose("attention " + c[0], e, a);
        }
    }

    @Test
    void elementwiseOpsMatchCpu() {
        for (Activation act : Activation.values()) {
            FloatMatrix x = random(37, 301, 6);
            FloatMatrix e = copy(x), a = copy(x);
            cpu.activate(act, e);
            gpu.activate(act, a);
            assertClose("activate " + act, e, a);
        }
        FloatMatrix a = random(64, 1000, 2), b = random(64, 1000, 2);
        FloatMatrix e1 = copy(a), a1 = copy(a);
        cpu.multiply(e1, b);
        gpu.multiply(a1, b);
        assertClose("multiply", e1, a1);
        cpu.add(e1, b);
        gpu.add(a1, b);
        assertClose("add", e1, a1);
    }

    @Test
    void crossEntropyMatchesCpu() {
        FloatMatrix logits = random(50, 32000, 8);
        int[] targets = new int[50];
        for (int t = 0; t < targets.length; t++) targets[t] = random.nextInt(32000);
        double[] e = cpu.crossEntropy(logits, targets), a = gpu.crossEntropy(logits, targets);
        assertClose("crossEntropy", e, a);
    }

    // ---- compression ----

    @Test
    void gramAccumulationMatchesCpu() {
        for (int cols : new int[]{5, 64, 300, 1024}) {
            FloatMatrix h0 = random(cols, cols, 1);
            symmetrize(h0);
            FloatMatrix e = copy(h0), a = copy(h0);
            for (int batch = 0; batch < 3; batch++) {
                FloatMatrix x = random(200 + 37 * batch, cols, 2);
                float decay = batch / (batch + 1f), alpha = 2f / (batch + 1);
                cpu.accumulateGram(e, x, decay, alpha);
                gpu.accumulateGram(a, x, decay, alpha);
            }
            assertClose("accumulateGram cols " + cols, e, a);
            for (int i = 0; i < cols; i++)
                for (int j = 0; j < i; j++) assertEquals(a.get(i, j), a.get(j, i), "H symmetric at (" + i + "," + j + "), seed " + seed);
        }
    }

    @Test
    void gramAccumulationInALeaseStaysOnTheDeviceUntilClosed() {
        int cols = 96;
        FloatMatrix e = zeros(cols, cols), a = zeros(cols, cols);
        try (Residency.Lease lease = gpu.lease().keep(a)) {
            for (int batch = 0; batch < 4; batch++) {
                FloatMatrix x = random(64, cols, 1);
                cpu.accumulateGram(e, x, batch / (batch + 1f), 2f / (batch + 1));
                gpu.accumulateGram(a, x, batch / (batch + 1f), 2f / (batch + 1));
            }
            assertEquals(0f, a.get(3, 3), "the host copy is not updated inside the lease");
            lease.toHost(a, 10, 20);
            assertEquals(e.get(5, 12), a.get(5, 12), Math.abs(e.get(5, 12)) * 1e-4, "columns brought back by toHost");
        }
        assertClose("accumulateGram in a lease", e, a);
    }

    @Test
    void copyColumnsMatchesCpuInsideAndOutsideLeases() {
        FloatMatrix src = random(37, 90, 1);
        int[][] cases = {{0, 0, 90}, {10, 3, 20}, {60, 0, 30}, {5, 41, 7}};
        for (int[] c : cases) {
            FloatMatrix e = random(37, 48 + Math.max(0, c[1] + c[2] - 48), 1), a = copy(e);
            cpu.copyColumns(src, c[0], e, c[1], c[2]);
            gpu.copyColumns(src, c[0], a, c[1], c[2]);
            assertEquals(0, maxAbsDifference(e, a), "copyColumns " + Arrays.toString(c));
        }
        // Transient intermediates: written on the host before their first use (an embedding), never written back.
        FloatMatrix x = random(8, 16, 1), y = zeros(8, 16), expected = copy(x);
        try (Residency.Lease lease = gpu.lease()) {
            lease.keepTransient(x).keepTransient(y);
            gpu.copyColumns(x, 0, y, 0, 16);
            gpu.add(y, x);
            assertEquals(0f, y.get(2, 3), "a transient's host copy stays stale");
            lease.toHost(y, 0, 16);
            cpu.add(expected, x);
            assertEquals(0, maxAbsDifference(expected, y), "toHost brings a transient back");
            y.segment().fill((byte) 0);
        }
        assertEquals(0f, y.get(2, 3), "closing the lease writes no transient back");
        assertThrows(IllegalArgumentException.class, () -> gpu.copyColumns(src, 80, zeros(37, 20), 0, 20));
    }

    @Test
    void rowRangesAreExactlyTheCpusAlsoOnAKeptMatrix() {
        FloatMatrix w = random(1000, 4096, 3);
        for (int[] window : new int[][]{{0, 4096}, {128, 256}, {4000, 4096}}) {
            float[] emin = new float[1000], emax = new float[1000], amin = new float[1000], amax = new float[1000];
            cpu.rowRanges(w, window[0], window[1], emin, emax);
            gpu.rowRanges(w, window[0], window[1], amin, amax);
            assertArrayEquals(emin, amin, "row minima " + Arrays.toString(window));
            assertArrayEquals(emax, amax, "row maxima " + Arrays.toString(window));
        }
        // Inside a lease the GPU's copy is the current one: change it there, and the ranges must follow.
        FloatMatrix bump = zeros(1000, 4096);
        bump.set(7, 9, 1000f);
        try (Residency.Lease lease = gpu.lease().keep(w)) {
            gpu.add(w, bump);
            float[] min = new float[1000], max = new float[1000];
            gpu.rowRanges(w, 0, 16, min, max);
            assertTrue(max[7] >= 1000f - 10, "the range must come from the device copy, got " + max[7]);
        }
    }

    @Test
    void pruningSelectionsAreTheCpusBitForBit() {
        for (int[] shape : new int[][]{{37, 129}, {512, 4096}, {64, 11008}}) {
            FloatMatrix w = CpuPruningTest.tiedWeights(arena, shape[0], shape[1], random);
            float[] scale = CpuPruningTest.tiedScales(shape[1], random);
            String what = Arrays.toString(shape) + ", seed " + seed;
            FloatMatrix e = copy(w), a = copy(w);
            cpu.prunePerRow(e, scale, 0.7);
            gpu.prunePerRow(a, scale, 0.7);
            assertClose("Wanda per row " + what, e, a);
            assertEquals(0, mismatches(e, a), "Wanda per row " + what);
            e = copy(w);
            a = copy(w);
            cpu.pruneBelowGlobalThreshold(e, null, 0.6);
            gpu.pruneBelowGlobalThreshold(a, null, 0.6);
            assertEquals(0, mismatches(e, a), "magnitude " + what);
            for (int[] nm : new int[][]{{2, 4}, {4, 8}, {3, 64}}) {
                e = copy(w);
                a = copy(w);
                cpu.pruneNofM(e, scale, nm[0], nm[1]);
                gpu.pruneNofM(a, scale, nm[0], nm[1]);
                assertEquals(0, mismatches(e, a), nm[0] + ":" + nm[1] + " " + what);
            }
        }
    }

    private static long mismatches(FloatMatrix e, FloatMatrix a) {
        long n = 0;
        for (long i = 0; i < e.size(); i++)
            if (Float.floatToIntBits(e.segment().getAtIndex(FloatMatrix.F32, i)) != Float.floatToIntBits(a.segment().getAtIndex(FloatMatrix.F32, i))) n++;
        return n;
    }

    @Test
    void quadraticFormMatchesCpu() {
        for (int[] s : new int[][]{{1, 5}, {100, 384}, {1024, 1000}}) {
            FloatMatrix a = random(s[0], s[1], 1), g = random(s[1], s[1], 1), h = zeros(s[1], s[1]);
            for (int i = 0; i < s[1]; i++)
                for (int j = 0; j < s[1]; j++) h.set(i, j, g.get(i, j) + g.get(j, i) + (i == j ? 2 * s[1] : 0)); // positive definite
            double e = cpu.quadraticForm(a, h), got = gpu.quadraticForm(a, h);
            assertEquals(e, got, Math.abs(e) * TOLERANCE + 1e-3, "quadraticForm " + Arrays.toString(s) + ", seed " + seed);
        }
    }

    private static double maxAbsDifference(FloatMatrix a, FloatMatrix b) {
        double d = 0;
        for (long i = 0; i < a.size(); i++)
            d = Math.max(d, Math.abs(a.segment().getAtIndex(FloatMatrix.F32, i) - b.segment().getAtIndex(FloatMatrix.F32, i)));
        return d;
    }

    @Test
    void inverseCholeskyUpperMatchesCpu() {
        for (int n : new int[]{1, 17, 128, 700}) {
            FloatMatrix h = spd(n);
            FloatMatrix e = copy(h), a = copy(h);
            assertTrue(cpu.inverseCholeskyUpper(e));
            assertTrue(gpu.inverseCholeskyUpper(a), "GPU factor of an SPD matrix, seed " + seed);
            assertClose("inverseCholeskyUpper n " + n, e, a);
        }
        FloatMatrix notPd = spd(40);
        notPd.set(7, 7, -1f);
        assertFalse(gpu.inverseCholeskyUpper(notPd), "a matrix with a negative diagonal is not positive definite");
    }

    @Test
    void blockMaskIsBitIdenticalToCpu() {
        int rows = 300, cols = 512;
        FloatMatrix w = random(rows, cols, 1), hinv = hinv(cols);
        for (double sparsity : new double[]{0.1, 0.5, 0.9}) {
            for (int i1 = 0; i1 < cols; i1 += 128) {
                byte[] e = cpu.obsBlockMask(w, hinv, i1, i1 + 128, sparsity), a = gpu.obsBlockMask(w, hinv, i1, i1 + 128, sparsity);
                assertArrayEquals(e, a, "mask of block " + i1 + " at sparsity " + sparsity + ", seed " + seed);
            }
        }
        // Ties at the threshold are pruned on both: many equal saliencies.
        FloatMatrix ties = zeros(64, 128);
        for (int r = 0; r < 64; r++) for (int c = 0; c < 128; c++) ties.set(r, c, (r + c) % 3 == 0 ? 0.5f : 1f);
        FloatMatrix hinv128 = hinv(128);
        for (int c = 0; c < 128; c++) hinv128.set(c, c, 1f);
        assertArrayEquals(cpu.obsBlockMask(ties, hinv128, 0, 128, 0.2), gpu.obsBlockMask(ties, hinv128, 0, 128, 0.2), "ties");
    }

    @Test
    void obsBlockMatchesCpuForMaskNmAndQuantization() {
        int rows = 257, cols = 384;
        FloatMatrix hinv = hinv(cols);
        for (String kind : new String[]{"mask", "2:4", "quantize", "mask+quantize", "wide block"}) {
            FloatMatrix w = random(rows, cols, 1);
            int i1 = kind.equals("wide block") ? 0 : 128, i2 = kind.equals("wide block") ? 320 : 256, count = i2 - i1;
            byte[] mask = kind.contains("mask") || kind.equals("wide block") ? cpu.obsBlockMask(w, hinv, i1, i2, 0.5) : null;
            int prunen = kind.equals("2:4") ? 2 : 0, prunem = kind.equals("2:4") ? 4 : 0;
            FloatMatrix scale = null, zero = null;
            int maxq = 0;
            if (kind.contains("quantize")) {
                maxq = 15;
                scale = zeros(rows, count);
                zero = zeros(rows, count);
                for (int r = 0; r < rows; r++) {
                    float s = (float) (0.1 + random.nextDouble() * 0.2);
                    for (int c = 0; c < count; c++) {
                        scale.set(r, c, s);
                        zero.set(r, c, 8f);
                    }
                }
            }
            FloatMatrix we = copy(w), wa = copy(w), ee = zeros(rows, count), ea = poisoned(rows, count);
            double[] le = new double[rows], la = new double[rows];
            cpu.obsBlock(new ObsBlock(we, hinv, i1, i2, mask, prunen, prunem, scale, zero, maxq, ee, le));
            gpu.obsBlock(new ObsBlock(wa, hinv, i1, i2, mask, prunen, prunem, scale, zero, maxq, ea, la));
            if (scale == null) {
                assertClose("obsBlock " + kind + " W", we, wa);
                assertClose("obsBlock " + kind + " err", ee, ea);
                assertClose("obsBlock " + kind + " losses", le, la);
            } else {
                // Rounding to the grid is a discrete decision: an FMA where the CPU rounds twice can move a weight
                // sitting on a rounding boundary by one step. Nearly all must agree, and those that agree closely.
                assertMostlyClose("obsBlock " + kind + " W", we, wa, 0.999);
                assertMostlyClose("obsBlock " + kind + " err", ee, ea, 0.999);
                assertEquals(1, sum(la) / sum(le), 1e-3, "losses, seed " + seed);
            }
            // Columns outside the block are untouched.
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                    if (c < i1 || c >= i2) assertEquals(w.get(r, c), wa.get(r, c), "untouched column " + c + ", seed " + seed);
        }
    }

    @Test
    void lazyUpdateMatchesCpu() {
        int rows = 200, cols = 640;
        FloatMatrix hinv = hinv(cols), w = random(rows, cols, 1);
        for (int i1 : new int[]{0, 128, 512}) {
            FloatMatrix err = random(rows, 128, 1), e = copy(w), a = copy(w);
            cpu.obsLazyUpdate(e, err, hinv, i1, i1 + 128);
            gpu.obsLazyUpdate(a, err, hinv, i1, i1 + 128);
            assertClose("obsLazyUpdate at " + i1, e, a);
        }
    }

    @Test
    void gptq4BitAndSparseGpt50OnARandomLayerMatchCpu() {
        int rows = 384, cols = 768, tokens = 2048;
        FloatMatrix x = inputs(tokens, cols);
        Hessian hessian = new Hessian(arena, cols);
        hessian.add(x, 1, cpu);
        FloatMatrix w = random(rows, cols, 0.1f);
        String[] methods = {"gptq 4-bit g128", "gptq 4-bit per channel act-order", "sparsegpt 50%", "sparsegpt 2:4 + 4-bit"};
        for (String method : methods) {
            FloatMatrix we = copy(w), wa = copy(w);
            double[] loss = new double[2];
            Backend[] backends = {cpu, gpu};
            FloatMatrix[] outs = {we, wa};
            for (int b = 0; b < 2; b++) {
                Linear layer = new Linear("layer", outs[b], null, false);
                var outcome = switch (method) {
                    case "gptq 4-bit g128" -> new Gptq(new QuantGrid(4, false), 128, false, false, 128, 0.01)
                            .compress(layer, hessian, 0, backends[b], arena, line -> { });
                    case "gptq 4-bit per channel act-order" -> new Gptq(new QuantGrid(4, false), 0, true, false, 128, 0.01)
                            .compress(layer, hessian, 0, backends[b], arena, line -> { });
                    case "sparsegpt 50%" -> new SparseGpt(null, null, 0, 128, 0.01).compress(layer, hessian, 0.5, backends[b], arena, line -> { });
                    default -> new SparseGpt(new NmPattern(2, 4), new QuantGrid(4, false), 0, 128, 0.01).compress(layer, hessian, 0, backends[b], arena, line -> { });
                };
                loss[b] = outcome.obsLoss();
            }
            // Grid rounding and N:M choices are discrete: a decision that flips on a rounding difference changes the
            // error fed to the rest of its row, so the whole layer agrees statistically, not element for element.
            assertEquals(1, loss[1] / loss[0], 1e-2, method + ": OBS loss GPU " + loss[1] + " vs CPU " + loss[0] + ", seed " + seed);
            double errCpu = reconstruction(w, we, hessian.matrix()), errGpu = reconstruction(w, wa, hessian.matrix());
            assertEquals(1, errGpu / errCpu, 1e-2, method + ": reconstruction error GPU " + errGpu + " vs CPU " + errCpu + ", seed " + seed);
            assertMostlyClose(method + " weights", we, wa, 0.97);
            if (method.startsWith("sparsegpt 50")) assertEquals(zerosIn(we), zerosIn(wa), method + ": pruned count");
            System.out.printf("  %-34s OBS loss cpu %.6e gpu %.6e  rel. reconstruction error cpu %.6e gpu %.6e%n", method, loss[0], loss[1],
                    errCpu, errGpu);
        }
    }

    @Test
    void outOfMemorySaysHowMuchWasAskedAndWhatIsFree() {
        GpuOutOfMemoryException e = assertThrows(GpuOutOfMemoryException.class, () -> gpu.device().allocate(1L << 50, "a test buffer"));
        assertTrue(e.getMessage().contains("a test buffer") && e.getMessage().contains("free"), e.getMessage());
        // The device is still usable afterwards.
        FloatMatrix a = random(4, 4, 1), b = random(4, 4, 1), e1 = copy(a);
        cpu.add(e1, b);
        gpu.add(a, b);
        assertClose("add after an out-of-memory error", e1, a);
    }

    // ---- helpers ----

    private FloatMatrix random(int rows, int cols, float scale) {
        FloatMatrix m = FloatMatrix.allocate(arena, rows, cols);
        for (long i = 0; i < m.size(); i++) m.segment().setAtIndex(FloatMatrix.F32, i, (float) ((random.nextDouble() * 2 - 1) * scale));
        return m;
    }

    /** Calibration-like inputs: N(0,1) with a few outlier features. */
    private FloatMatrix inputs(int tokens, int cols) {
        FloatMatrix x = FloatMatrix.allocate(arena, tokens, cols);
        java.util.Random g = new java.util.Random(random.nextLong());
        for (int t = 0; t < tokens; t++)
            for (int c = 0; c < cols; c++) x.set(t, c, (float) (g.nextGaussian() * (c % 7 == 0 ? 4 : 1)));
        return x;
    }

    private FloatMatrix zeros(int rows, int cols) {
        return FloatMatrix.allocate(arena, rows, cols);
    }

    /** NaN everywhere: an element the GPU does not write fails the comparison. */
    private FloatMatrix poisoned(int rows, int cols) {
        FloatMatrix m = zeros(rows, cols);
        m.fill(Float.NaN);
        return m;
    }

    private FloatMatrix copy(FloatMatrix m) {
        return m.copy(arena);
    }

    private static void symmetrize(FloatMatrix h) {
        for (int i = 0; i < h.rows(); i++) for (int j = 0; j < i; j++) h.set(i, j, h.get(j, i));
    }

    /** XᵀX/n + I: symmetric positive definite and well conditioned. */
    private FloatMatrix spd(int n) {
        FloatMatrix x = random(2 * n + 8, n, 1), h = zeros(n, n);
        cpu.accumulateGram(h, x, 0f, 1f / x.rows());
        for (int i = 0; i < n; i++) h.set(i, i, h.get(i, i) + 1f);
        return h;
    }

    /** An upper Cholesky factor of a damped inverse Hessian, as the sweep receives it. */
    private FloatMatrix hinv(int n) {
        FloatMatrix h = spd(n);
        assertTrue(cpu.inverseCholeskyUpper(h));
        return h;
    }

    private void assertClose(String what, FloatMatrix expected, FloatMatrix actual) {
        double diff = 0, norm = 0;
        for (long i = 0; i < expected.size(); i++) {
            double e = expected.segment().getAtIndex(FloatMatrix.F32, i), a = actual.segment().getAtIndex(FloatMatrix.F32, i);
            if (Double.isNaN(a) && !Double.isNaN(e)) fail(what + ": element " + i + " is NaN (not written?), seed " + seed);
            diff += (a - e) * (a - e);
            norm += e * e;
        }
        double rel = norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
        if (!(rel <= TOLERANCE)) fail(what + ": relative error " + rel + " > " + TOLERANCE + ", seed " + seed);
    }

    private void assertClose(String what, double[] expected, double[] actual) {
        double diff = 0, norm = 0;
        for (int i = 0; i < expected.length; i++) {
            diff += (actual[i] - expected[i]) * (actual[i] - expected[i]);
            norm += expected[i] * expected[i];
        }
        double rel = norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
        if (!(rel <= TOLERANCE)) fail(what + ": relative error " + rel + " > " + TOLERANCE + ", seed " + seed);
    }

    /** At least {@code fraction} of the elements within 1e-4 relative to the matrix's scale, and none NaN. */
    private void assertMostlyClose(String what, FloatMatrix expected, FloatMatrix actual, double fraction) {
        double norm = 0;
        for (long i = 0; i < expected.size(); i++) norm += Math.pow(expected.segment().getAtIndex(FloatMatrix.F32, i), 2);
        double rms = Math.sqrt(norm / Math.max(1, expected.size()));
        long close = 0;
        for (long i = 0; i < expected.size(); i++) {
            double e = expected.segment().getAtIndex(FloatMatrix.F32, i), a = actual.segment().getAtIndex(FloatMatrix.F32, i);
            if (Double.isNaN(a)) fail(what + ": element " + i + " is NaN, seed " + seed);
            if (Math.abs(a - e) <= TOLERANCE * Math.max(rms, Math.abs(e))) close++;
        }
        double got = close / (double) expected.size();
        if (got < fraction) fail(what + ": only " + got + " of the elements agree (wanted " + fraction + "), seed " + seed);
    }

    /** tr(ΔHΔᵀ)/tr(WHWᵀ) in double. */
    private static double reconstruction(FloatMatrix w, FloatMatrix q, FloatMatrix h) {
        int rows = w.rows(), n = w.cols();
        double num = 0, den = 0;
        double[] d = new double[n], o = new double[n];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                o[j] = w.get(r, j);
                d[j] = o[j] - q.get(r, j);
            }
            for (int i = 0; i < n; i++) {
                double sd = 0, so = 0;
                for (int j = 0; j < n; j++) {
                    double hij = h.get(i, j);
                    sd += hij * d[j];
                    so += hij * o[j];
                }
                num += d[i] * sd;
                den += o[i] * so;
            }
        }
        return num / den;
    }

    private static long zerosIn(FloatMatrix m) {
        long z = 0;
        for (long i = 0; i < m.size(); i++) if (m.segment().getAtIndex(FloatMatrix.F32, i) == 0f) z++;
        return z;
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s;
    }
}
