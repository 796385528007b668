package dev.pare.backend;

import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static dev.pare.tensor.FloatMatrix.F32;

/**
 * H → U, the upper Cholesky factor of H⁻¹, blocked so that nearly all the work is matrix-multiply tiles.
 * <p>
 * With J the reversal permutation, JHJ = MMᵀ (lower Cholesky) gives H = RRᵀ with R = JMJ upper, so H⁻¹ = (R⁻¹)ᵀR⁻¹
 * and U = R⁻¹ = J·M⁻¹·J: one factorisation and one triangular inverse X = M⁻¹, n³/3 flops each. Both run together,
 * left-looking, in blocks of {@link #BLOCK} rows and columns. Step k, for the block [k0, k0 + kb):
 * <ol>
 *   <li>block column k of JHJ, rows k0 … n−1, minus M_·,&lt;k · M_k,&lt;kᵀ — the bulk of the Cholesky (parallel over rows);</li>
 *   <li>the diagonal block factored and inverted in double (kb³/3 flops), by the task that updated its rows while
 *       the others update the rows below;</li>
 *   <li>the column below it solved, M_&gt;k,k = A·M_kk⁻ᵀ, and row block k of the inverse,
 *       X_k,&lt;k = −M_kk⁻¹ · (M_k,&lt;k · X_&lt;k) — the bulk of the inverse (parallel over panels of columns).</li>
 * </ol>
 * Every long product (depth up to n) is summed in float FMA chains of {@link #CHUNK} terms added up in double and
 * rounded to float once, which keeps the error of an element near that of a few dozen terms rather than growing with
 * n; the products with the diagonal block's inverse (depth ≤ BLOCK) are single float chains. Each element
 * is computed in an order fixed by BLOCK and CHUNK alone — not the vector width, tile shape or thread count — so
 * every path and partition gives the same bits.
 * <p>
 * Storage, about 2n² floats: JHJ's lower triangle in row-major order (becoming M's); M again as packed row panels
 * (Mᵀ read W rows at a time, the form step 1 reads it in); X in packed column panels (the form step 3 reads it in).
 */
final class CpuFactorization {
    /** Rows per block step: the panel solves and the inverse's diagonal products cost n²·BLOCK/2, so small; deep enough for full-speed tiles. */
    static final int BLOCK = 64;
    /**
     * Terms per float chain of a long product (chains start at absolute multiples, whatever the panel width). 48
     * keeps U's error below the old dot-product code's at every size measured (64 did not quite, in ‖ΔU‖); each
     * chain costs a widening add into double, so 32 was about 10% slower.
     */
    static final int CHUNK = 48;
    /** Rows of a task of step 1 (a multiple of every tile height used), so its double sums (24 × 64) stay in L1. */
    private static final int COLUMN_ROWS = 24;

    private final CpuObsKernels kernels;
    private final CpuCompressionOps.ParallelFor parallel;
    private final int threads;

    CpuFactorization(CpuObsKernels kernels, CpuCompressionOps.ParallelFor parallel, int threads) {
        this.kernels = kernels;
        this.parallel = parallel;
        this.threads = threads;
    }

    /** See {@link Backend#inverseCholeskyUpper}; false also when the inverse overflows float. */
    boolean inverseCholeskyUpper(FloatMatrix h) {
        int n = h.rows();
        if (h.cols() != n) throw new IllegalArgumentException("inverseCholeskyUpper: H is " + h.rows() + "x" + h.cols() + ", not square");
        if (n == 0) return true;
        return new Run(n).factor(h);
    }

    /** One factorisation's arrays. */
    private final class Run {
        final int n, w, nb, ld, mr;
        /** JHJ's lower triangle, becoming M's, row-major: row i at i·ld. */
        final float[] a;
        /** Mᵀ in row panels: panel R holds rows RW … RW+W−1 of M at depths 0 … RW−1, M[RW + lane][p] at mOff[R] + p·W + lane. */
        final float[] m;
        final int[] mOff;
        /** X = M⁻¹ in column panels: panel c holds X[k][cW + lane], k = cW … n−1, at xOff[c] + (k − cW)·W + lane. */
        final float[] x;
        final int[] xOff;
        /** Set by any task that rounds an element of X to ±∞ or NaN (float overflow of a nearly singular H). */
        volatile boolean overflow;

        Run(int n) {
            this.n = n;
            this.w = kernels.panelWidth();
            this.mr = kernels.tileRows();
            this.nb = roundUp(BLOCK, w);
            // A stride off a multiple of 4 KiB, so that the rows of a tile do not all fall into the same L1 set.
            int stride = roundUp(n, 16);
            if (stride % 1024 == 0) stride += 16;
            this.ld = stride;
            int panels = ceilDiv(n, w);
            this.mOff = new int[panels];
            this.xOff = new int[panels];
            long mSize = 0, xSize = 0;
            for (int c = 0; c < panels; c++) {
                mOff[c] = (int) mSize;
                xOff[c] = (int) xSize;
                mSize += (long) c * w * w;
                xSize += (long) (n - c * w) * w;
            }
            long cells = (long) n * ld;
            if (cells > Integer.MAX_VALUE - 16 || mSize > Integer.MAX_VALUE - 16 || xSize > Integer.MAX_VALUE - 16)
                throw new IllegalArgumentException("inverseCholeskyUpper: H of " + n + " columns is too large to factor in heap arrays");
            this.a = new float[(int) cells];
            this.m = new float[(int) mSize];
            this.x = new float[(int) xSize];
        }

        boolean factor(FloatMatrix h) {
            loadReversed(h);
            for (int k0 = 0; k0 < n; k0 += nb)
                if (!step(k0, Math.min(nb, n - k0)) || overflow) return false;
            storeReversed(h);
            return true;
        }

        /** Block step k: rows and columns [k0, k0 + kb). k0 is a multiple of nb, so of W. */
        private boolean step(int k0, int kb) {
            // kp rows: M_kk⁻¹ padded with zero rows to whole tiles, so that no tile of the products below runs short.
            int kp = roundUp(kb, mr);
            float[] inv = new float[kp * kb], negInv = new float[kp * kb];
            boolean[] positive = new boolean[1];
            // Task 0 updates the diagonal block's rows, then factors the block while the other tasks update the rows
            // below it (fork-join runs task 0 first, on the calling thread).
            int below = n - k0 - kb, tasks = 1 + (k0 > 0 ? ceilDiv(below, COLUMN_ROWS) : 0);
            parallel.run(tasks, t -> {
                if (t == 0) {
                    if (k0 > 0) updateColumn(k0, kb, k0, k0 + kb);
                    positive[0] = factorDiagonal(k0, kb, inv, negInv);
                } else {
                    int r0 = k0 + kb + (t - 1) * COLUMN_ROWS;
                    updateColumn(k0, kb, r0, Math.min(n, r0 + COLUMN_ROWS));
                }
            });
            if (!positive[0]) return false;
            int solve = ceilDiv(below, w), invert = k0 / w;
            parallel.run(solve + invert, t -> {
                if (t < solve) solvePanel(k0, kb, inv, (k0 + kb) / w + t);
                else invertPanel(k0, kb, negInv, t - solve);
            });
            storeDiagonalInverse(k0, kb, inv);
            return true;
        }

        /** a's lower triangle = JHJ's: a[i][j] = H[n−1−i][n−1−j], read from H's upper triangle. */
        private void loadReversed(FloatMatrix h) {
            MemorySegment hs = h.segment();
            int chunk = Math.max(1, ceilDiv(n, 8 * threads));
            parallel.run(ceilDiv(n, chunk), t -> {
                float[] row = new float[n];
                for (int i = t * chunk, end = Math.min(n, i + chunk); i < end; i++) {
                    int p = n - 1 - i;
                    MemorySegment.copy(hs, F32, h.rowOffset(p) + (long) p * Float.BYTES, row, 0, i + 1);
                    kernels.reverse(row, 0, a, i * ld, i + 1);
                }
            });
        }

        /**
         * Rows [r0, r1) of block column k: a[i][k0 + j] −= Σ_{p &lt; k0} M[i][p]·M[k0 + j][p], the depth chunks
         * outermost so that a chunk of the block's row panels (kb × CHUNK floats) stays in L1 while the rows pass.
         */
        private void updateColumn(int k0, int kb, int r0, int r1) {
            int panels = ceilDiv(kb, w), width = panels * w;
            double[] sum = new double[(r1 - r0) * width];
            float[] scratch = new float[mr * w];
            for (int p0 = 0; p0 < k0; p0 += CHUNK) {
                int depth = Math.min(CHUNK, k0 - p0);
                for (int i = r0; i < r1; i += mr) {
                    int rows = Math.min(mr, r1 - i);
                    for (int c = 0; c < panels; c++)
                        kernels.tileIntoDouble(rows, a, i * ld + p0, ld, m, mOff[k0 / w + c] + p0 * w, depth, sum, (i - r0) * width + c * w, width, scratch);
                }
            }
            for (int i = r0; i < r1; i++) {
                // The diagonal block's rows need only their lower triangle.
                int cols = Math.min(kb, i - k0 + 1);
                for (int j = 0; j < cols; j++) a[i * ld + k0 + j] = (float) (a[i * ld + k0 + j] - sum[(i - r0) * width + j]);
            }
        }

        /**
         * In double: the diagonal block's Cholesky factor (written to a) and its inverse (to inv, and negated to
         * negInv, lower triangles, row-major kb × kb). False when the block is not positive definite.
         */
        private boolean factorDiagonal(int k0, int kb, float[] inv, float[] negInv) {
            // Outer-product and row forms: every inner loop is an axpy along a row, which C2 vectorises (dot
            // products would each wait on their adds' latency).
            double[] l = new double[kb * kb], col = new double[kb];
            for (int i = 0; i < kb; i++)
                for (int j = 0; j <= i; j++) l[i * kb + j] = a[(k0 + i) * ld + k0 + j];
            for (int j = 0; j < kb; j++) {
                double d = l[j * kb + j];
                if (!(d > 0) || !Double.isFinite(d)) return false;
                double ljj = Math.sqrt(d);
                l[j * kb + j] = ljj;
                for (int i = j + 1; i < kb; i++) col[i] = l[i * kb + j] /= ljj;
                for (int i = j + 1; i < kb; i++) {
                    double lij = col[i];
                    for (int p = j + 1, row = i * kb; p <= i; p++) l[row + p] -= lij * col[p];
                }
            }
            // Y = L⁻¹ row by row: Y[i] = (e_i − Σ_{p<i} L[i][p]·Y[p]) / L[i][i].
            double[] y = new double[kb * kb];
            for (int i = 0; i < kb; i++) {
                int row = i * kb;
                for (int p = 0; p < i; p++) {
                    double lip = l[row + p];
                    for (int c = 0, src = p * kb; c <= p; c++) y[row + c] -= lip * y[src + c];
                }
                double lii = l[row + i];
                for (int c = 0; c < i; c++) y[row + c] /= lii;
                y[row + i] = 1 / lii;
                for (int c = 0; c <= i; c++) {
                    float v = (float) y[row + c];
                    if (!Float.isFinite(v)) return false;
                    inv[row + c] = v;
                    negInv[row + c] = -v;
                }
            }
            for (int i = 0; i < kb; i++)
                for (int j = 0; j <= i; j++) a[(k0 + i) * ld + k0 + j] = (float) l[i * kb + j];
            return true;
        }

        /**
         * Row panel R (below the block) of block column k: M_R,k = A_R,k · M_kk⁻ᵀ, computed transposed, M_kk⁻¹ · A_R,kᵀ,
         * so that it lands in m's row panel as it is; then copied back into a's rows.
         */
        private void solvePanel(int k0, int kb, float[] inv, int panel) {
            int r0 = panel * w, lanes = Math.min(w, n - r0);
            float[] at = new float[kb * w];
            for (int lane = 0; lane < lanes; lane++)
                for (int p = 0, src = (r0 + lane) * ld + k0; p < kb; p++) at[p * w + lane] = a[src + p];
            int kp = inv.length / kb;
            float[] out = new float[kp * w];
            // A product of depth kb at most: one float chain. M_kk⁻¹ is lower triangular: rows i … i+mr−1 need depth
            // i+mr at most. The padding rows land in out, not in m.
            for (int i = 0; i < kp; i += mr) kernels.tile(mr, inv, i * kb, kb, at, 0, Math.min(kb, i + mr), out, i * w, w, CpuObsKernels.SET);
            int dst = mOff[panel] + k0 * w;
            System.arraycopy(out, 0, m, dst, kb * w);
            for (int lane = 0; lane < lanes; lane++)
                for (int p = 0, row = (r0 + lane) * ld + k0; p < kb; p++) a[row + p] = m[dst + p * w + lane];
        }

        /**
         * Column panel c of X's row block k: T = M_k,&lt;k · X_&lt;k,c, then −M_kk⁻¹ · T into x. (Giving a task several
         * panels, so that each tile of the block's rows serves them all, measured no faster.)
         */
        private void invertPanel(int k0, int kb, float[] negInv, int c) {
            int c0 = c * w, kp = negInv.length / kb;
            // T's rows in whole tiles where a has the rows (the block's padding rows read the next block's: ignored).
            int rowsT = k0 + kp <= n ? kp : kb;
            double[] sum = new double[kp * w];
            float[] scratch = new float[mr * w];
            // Columns c0 … of X vanish above row c0, so the depth starts there; depth chunks outermost, so that a chunk
            // of the panel stays in L1 while the block's rows pass over it.
            for (int p0 = c0; p0 < k0; ) {
                int p1 = Math.min(k0, (p0 / CHUNK + 1) * CHUNK);
                for (int i = 0; i < rowsT; i += mr)
                    kernels.tileIntoDouble(Math.min(mr, rowsT - i), a, (k0 + i) * ld + p0, ld, x, xOff[c] + (p0 - c0) * w, p1 - p0, sum, i * w, w, scratch);
                p0 = p1;
            }
            float[] t = new float[kb * w], out = new float[kp * w];
            for (int k = 0; k < t.length; k++) t[k] = (float) sum[k];
            // Depth kb at most: one float chain per element.
            for (int i = 0; i < kp; i += mr) kernels.tile(mr, negInv, i * kb, kb, t, 0, Math.min(kb, i + mr), out, i * w, w, CpuObsKernels.SET);
            boolean finite = true;
            for (int k = 0; k < kb * w; k++) finite &= Float.isFinite(out[k]);
            if (!finite) overflow = true;
            System.arraycopy(out, 0, x, xOff[c] + (k0 - c0) * w, kb * w);
        }

        /** X_kk = M_kk⁻¹ into the column panels that start inside the block. */
        private void storeDiagonalInverse(int k0, int kb, float[] inv) {
            for (int c = k0 / w; c * w < k0 + kb; c++) {
                int c0 = c * w;
                for (int k = c0; k < k0 + kb; k++)
                    for (int lane = 0; lane < w && c0 + lane <= k; lane++)
                        x[xOff[c] + (k - c0) * w + lane] = inv[(k - k0) * kb + c0 + lane - k0];
            }
        }

        /** U[i][j] = X[n−1−i][n−1−j] for j ≥ i, 0 below. */
        private void storeReversed(FloatMatrix h) {
            MemorySegment hs = h.segment();
            int chunk = Math.max(1, ceilDiv(n, 8 * threads));
            parallel.run(ceilDiv(n, chunk), t -> {
                float[] row = new float[n];
                for (int i = t * chunk, end = Math.min(n, i + chunk); i < end; i++) {
                    int p = n - 1 - i;
                    Arrays.fill(row, 0, i, 0f);
                    // Row p of X, panel by panel: W consecutive floats each, reversed into U's row.
                    for (int panel = 0; panel * w <= p; panel++) {
                        int c0 = panel * w, lanes = Math.min(w, p - c0 + 1);
                        kernels.reverse(x, xOff[panel] + (p - c0) * w, row, n - c0 - lanes, lanes);
                    }
                    MemorySegment.copy(row, 0, hs, F32, h.rowOffset(i), n);
                }
            });
        }
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    static int roundUp(int a, int multiple) {
        return ceilDiv(a, multiple) * multiple;
    }
}
