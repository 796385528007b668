package dev.pare.backend;

import dev.pare.tensor.FloatMatrix;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * The compression operations of {@link Backend} on the CPU: rows of the OBS sweep are independent, so they run in
 * parallel, each on a heap copy of its 128-column slice with vectorised updates. Cholesky and the triangular inverse
 * are column-parallel dot-product formulations over row-major storage.
 */
final class CpuCompressionOps {
    /** Runs body(0 … tasks−1) on the backend's workers. */
    interface ParallelFor {
        void run(int tasks, IntConsumer body);
    }

    private final Backend linear;
    private final ParallelFor parallel;
    private final int threads;
    /** null: the scalar path (the oracle the vector path is tested against). */
    private final VectorSpecies<Float> species;

    CpuCompressionOps(Backend linear, ParallelFor parallel, int threads, VectorSpecies<Float> species) {
        this.linear = linear;
        this.parallel = parallel;
        this.threads = threads;
        this.species = species;
    }

    private void parallel(int n, IntConsumer body) {
        parallel.run(n, body);
    }

    // ---- vector helpers over heap arrays: species chosen once, loopBound, scalar tail ----

    /** y[yo … yo+n) += a · x[xo … xo+n) */
    private void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        if (species != null) {
            FloatVector va = FloatVector.broadcast(species, a);
            for (int bound = species.loopBound(n); i < bound; i += species.length()) {
                FloatVector vx = FloatVector.fromArray(species, x, xo + i);
                va.fma(vx, FloatVector.fromArray(species, y, yo + i)).intoArray(y, yo + i);
            }
        }
        for (; i < n; i++) y[yo + i] += a * x[xo + i];
    }

    /** Σ x[xo+i]·y[yo+i], i < n */
    private float dot(float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        float sum = 0;
        if (species != null) {
            FloatVector acc0 = FloatVector.zero(species), acc1 = FloatVector.zero(species);
            int step = species.length();
            for (int bound = species.loopBound(n) - step; i < bound; i += 2 * step) {
                acc0 = FloatVector.fromArray(species, x, xo + i).fma(FloatVector.fromArray(species, y, yo + i), acc0);
                acc1 = FloatVector.fromArray(species, x, xo + i + step).fma(FloatVector.fromArray(species, y, yo + i + step), acc1);
            }
            for (int bound = species.loopBound(n); i < bound; i += step)
                acc0 = FloatVector.fromArray(species, x, xo + i).fma(FloatVector.fromArray(species, y, yo + i), acc0);
            sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) sum += x[xo + i] * y[yo + i];
        return sum;
    }

    // ---- Hessian ----

    void accumulateGram(FloatMatrix h, FloatMatrix x, float decay, float alpha) {
        int n = x.cols(), tokens = x.rows();
        if (h.rows() != n || h.cols() != n) throw new IllegalArgumentException("H is " + h.rows() + "x" + h.cols() + " for inputs of width " + n);
        // XᵀX = Xt·Xtᵀ: the linear kernel with both operands the transposed activations.
        try (var arena = java.lang.foreign.Arena.ofShared()) {
            FloatMatrix xt = FloatMatrix.allocate(arena, n, tokens);
            parallel(n, c -> {
                for (int t = 0; t < tokens; t++) xt.set(c, t, x.get(t, c));
            });
            FloatMatrix gram = FloatMatrix.allocate(arena, n, n);
            linear.linear(xt, xt, null, gram);
            parallel(n, r -> {
                for (int c = 0; c < n; c++) h.set(r, c, decay * h.get(r, c) + alpha * gram.get(r, c));
            });
        }
    }

    // ---- H → upper Cholesky factor of H⁻¹ ----

    /**
     * With J the reversal permutation: JHJ = MMᵀ (lower Cholesky) gives H = RRᵀ with R = JMJ upper triangular, so
     * H⁻¹ = (R⁻¹)ᵀR⁻¹ and U = R⁻¹ = J·M⁻¹·J is the upper factor — one factorisation and one triangular inverse.
     */
    boolean inverseCholeskyUpper(FloatMatrix h) {
        int n = h.rows();
        float[] g = new float[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) g[i * n + j] = h.get(n - 1 - i, n - 1 - j);
        if (!choleskyLower(g, n)) return false;
        float[] t = inverseLowerTransposed(g, n);
        // U[i][j] = M⁻¹[n−1−i][n−1−j] = T[n−1−j][n−1−i] (T = (M⁻¹)ᵀ)
        parallel(n, i -> {
            for (int j = 0; j < n; j++) h.set(i, j, j < i ? 0f : t[(n - 1 - j) * n + (n - 1 - i)]);
        });
        return true;
    }

    /** In place, row-major lower triangle: A = LLᵀ. Column j's entries below the diagonal are independent dot products. */
    private boolean choleskyLower(float[] a, int n) {
        for (int j = 0; j < n; j++) {
            float d = a[j * n + j] - dot(a, j * n, a, j * n, j);
            if (!(d > 0) || !Float.isFinite(d)) return false;
            float ljj = (float) Math.sqrt(d);
            a[j * n + j] = ljj;
            final int col = j;
            int rows = n - j - 1;
            if (rows > 256) {
                int chunks = Math.min(threads * 4, rows / 64 + 1);
                parallel(chunks, c -> {
                    for (int i = col + 1 + c; i < n; i += chunks) a[i * n + col] = (a[i * n + col] - dot(a, i * n, a, col * n, col)) / ljj;
                });
            } else {
                for (int i = col + 1; i < n; i++) a[i * n + col] = (a[i * n + col] - dot(a, i * n, a, col * n, col)) / ljj;
            }
        }
        return true;
    }

    /**
     * T = (L⁻¹)ᵀ for lower L: row j of T is column j of L⁻¹, the forward substitution L·x = e_j, whose entries are
     * dot products of L's rows with the x found so far — independent across j.
     */
    private float[] inverseLowerTransposed(float[] l, int n) {
        float[] t = new float[n * n];
        parallel(n, j -> {
            int row = j * n;
            t[row + j] = 1f / l[j * n + j];
            for (int i = j + 1; i < n; i++) t[row + i] = -dot(l, i * n + j, t, row + j, i - j) / l[i * n + i];
        });
        return t;
    }

    // ---- the OBS sweep ----

    byte[] obsBlockMask(FloatMatrix w, FloatMatrix hinv, int i1, int i2, double sparsity) {
        int rows = w.rows(), count = i2 - i1;
        float[] saliency = new float[rows * count];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < count; i++) {
                float d = hinv.get(i1 + i, i1 + i), v = w.get(r, i1 + i);
                saliency[r * count + i] = v * v / (d * d);
            }
        float[] sorted = saliency.clone();
        Arrays.sort(sorted);
        float thresh = sorted[(int) (saliency.length * sparsity)];
        byte[] mask = new byte[saliency.length];
        for (int k = 0; k < mask.length; k++) mask[k] = (byte) (saliency[k] <= thresh ? 1 : 0);
        return mask;
    }

    void obsBlock(ObsBlock b) {
        int count = b.count(), i1 = b.i1();
        // The block of Hinv on the heap, row-major: every row's sweep reads all of it.
        float[] hinv1 = new float[count * count];
        for (int i = 0; i < count; i++)
            for (int j = i; j < count; j++) hinv1[i * count + j] = b.hinv().get(i1 + i, i1 + j);
        parallel(b.w().rows(), r -> sweepRow(b, r, hinv1));
    }

    private void sweepRow(ObsBlock b, int r, float[] hinv1) {
        int count = b.count(), i1 = b.i1();
        float[] w1 = new float[count];
        for (int i = 0; i < count; i++) w1[i] = b.w().get(r, i1 + i);
        boolean[] pruned = new boolean[count];
        if (b.mask() != null) for (int i = 0; i < count; i++) pruned[i] = b.mask()[r * count + i] != 0;
        double loss = 0;
        for (int i = 0; i < count; i++) {
            float w = w1[i], d = hinv1[i * count + i];
            if (b.prunen() != 0 && i % b.prunem() == 0) pruneNofM(w1, hinv1, count, i, b.prunen(), b.prunem(), pruned);
            float q = pruned[i] ? 0f : w;
            if (b.quantized()) q = dev.pare.compress.QuantGrid.quantize(q, b.scale().get(r, i), b.zero().get(r, i), b.maxq());
            float err = (w - q) / d;
            loss += (double) ((w - q) * (w - q)) / ((double) d * d);
            axpy(-err, hinv1, i * count + i, w1, i, count - i);
            w1[i] = q;
            b.err().set(r, i, err);
        }
        for (int i = 0; i < count; i++) b.w().set(r, i1 + i, w1[i]);
        b.losses()[r] += loss / 2;
    }

    /** Marks the n weights of columns [i, i+m) with the smallest w²/d² (torch.topk(largest=False) order on ties: lower index first). */
    private static void pruneNofM(float[] w1, float[] hinv1, int count, int i, int n, int m, boolean[] pruned) {
        int len = Math.min(m, count - i);
        Integer[] idx = new Integer[len];
        float[] s = new float[len];
        for (int j = 0; j < len; j++) {
            idx[j] = j;
            float d = hinv1[(i + j) * count + i + j];
            s[j] = w1[i + j] * w1[i + j] / (d * d);
        }
        Arrays.sort(idx, (a, c) -> Float.compare(s[a], s[c]));
        for (int k = 0; k < Math.min(n, len); k++) pruned[i + idx[k]] = true;
    }

    void obsLazyUpdate(FloatMatrix w, FloatMatrix err, FloatMatrix hinv, int i1, int i2) {
        int cols = w.cols(), rest = cols - i2, count = i2 - i1;
        if (rest <= 0) return;
        float[] h = new float[count * rest];
        for (int k = 0; k < count; k++)
            for (int c = 0; c < rest; c++) h[k * rest + c] = hinv.get(i1 + k, i2 + c);
        parallel(w.rows(), r -> {
            float[] row = new float[rest];
            for (int c = 0; c < rest; c++) row[c] = w.get(r, i2 + c);
            for (int k = 0; k < count; k++) {
                float e = err.get(r, k);
                if (e != 0) axpy(-e, h, k * rest, row, 0, rest);
            }
            for (int c = 0; c < rest; c++) w.set(r, i2 + c, row[c]);
        });
    }
}
