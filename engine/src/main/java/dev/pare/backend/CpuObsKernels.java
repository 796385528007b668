package dev.pare.backend;

/**
 * The single-threaded inner loops of {@link CpuCompressionOps} and {@link CpuFactorization}, over heap arrays. Two
 * implementations: {@link CpuObsVectorKernels} (the Vector API, one species per copy) and {@link CpuObsScalarKernels}
 * (plain Java, the reference). Both compute every output element with the same operations in the same order — FMA
 * chains from zero along the depth, then one add or subtract into the target — so the two agree bit for bit, and
 * neither the tile shape nor the vector width changes a result.
 * <p>
 * The matrix-multiply tile reads its right operand packed in <em>panels</em>: {@link #panelWidth()} consecutive
 * columns stored depth by depth, {@code b[p·W + lane]}, so that one depth step is a contiguous load. Targets must have
 * room for a whole panel width in every row (callers pad their row strides); lanes past the real columns see zeros
 * in b and their results are ignored.
 */
interface CpuObsKernels {
    /** c = acc */
    int SET = 0;
    /** c += acc */
    int ADD = 1;
    /** c −= acc */
    int SUBTRACT = 2;

    /** "vector 512-bit (16 floats)" or "scalar". */
    String describe();

    /** W: the columns of one packed panel, and of one tile. */
    int panelWidth();

    /** The rows of a full tile (fewer are allowed, at lower speed). */
    int tileRows();

    /**
     * For i &lt; rows and lane &lt; W: acc = Σ_{p &lt; depth} a[aOff + i·lda + p] · b[bOff + p·W + lane], one FMA
     * chain in p order from +0, then c[cOff + i·ldc + lane] is set to, increased or decreased by acc ({@code mode}).
     */
    void tile(int rows, float[] a, int aOff, int lda, float[] b, int bOff, int depth, float[] c, int cOff, int ldc, int mode);

    /**
     * For i &lt; rows and lane &lt; W: c[cOff + i·ldc + lane] += acc in double, acc the same float FMA chain as
     * {@link #tile}'s. Long products are summed as chunks of float chains added up in double. scratch holds at
     * least {@link #tileRows()} × W floats.
     */
    void tileIntoDouble(int rows, float[] a, int aOff, int lda, float[] b, int bOff, int depth, double[] c, int cOff, int ldc, float[] scratch);

    /** dst[dstOff + k] = src[srcOff + len − 1 − k] for k &lt; len: the reversal of H and of U. */
    void reverse(float[] src, int srcOff, float[] dst, int dstOff, int len);

    /** L: the rows {@link #sweep} takes at once. */
    int sweepLanes();

    /**
     * The OBS column sweep of one block (see {@link ObsBlock}) for L = {@link #sweepLanes()} rows, each array but
     * hinv [L × count] row-major: w in, the compressed values out; mask 1 where a weight is pruned before the sweep
     * (null: none); scale and zero the grid of each weight (null: no quantization); err out, the scaled errors;
     * loss[row] out, Σ (w − q)²/d² (not yet halved). hinv is the block of Hinv, count × count row-major (its upper
     * triangle is read).
     */
    void sweep(float[] w, float[] hinv, int count, float[] mask, int prunen, int prunem, float[] scale, float[] zero,
               int maxq, float[] err, double[] loss);
}
