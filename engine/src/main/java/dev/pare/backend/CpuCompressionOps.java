package dev.pare.backend;

import dev.pare.tensor.FloatMatrix;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.util.function.IntConsumer;

import static dev.pare.tensor.FloatMatrix.F32;

/**
 * The compression operations of {@link Backend} on the CPU. The inner loops are {@link CpuObsKernels} over heap
 * copies: matrix-multiply tiles for the factorisation ({@link CpuFactorization}) and the lazy update, and the column
 * sweep with one row per vector lane. Rows of the OBS sweep are independent, so they run in parallel in groups.
 * Every element is computed in the same order on every path and thread count, so the scalar path, each vector width
 * and each partition give the same bits.
 */
final class CpuCompressionOps {
    /** Runs body(0 … tasks−1) on the backend's workers. */
    interface ParallelFor {
        void run(int tasks, IntConsumer body);
    }

    /** Rows per task of the column sweep (a multiple of its lanes): their block slices stay in L1 beside Hinv's rows. */
    private static final int SWEEP_ROWS = 16;
    /** Tiles of rows per task of the lazy update. */
    private static final int LAZY_ROW_TILES = 16;
    /** Packed Hinv per task of the lazy update: a group of panels (128 KiB) stays in L2 while the task's rows pass. */
    private static final int LAZY_GROUP_BYTES = 128 << 10;

    private final Backend linear;
    private final ParallelFor parallel;
    private final int threads;
    private final CpuObsKernels kernels;
    /** The column sweep of rows left over below a multiple of the vector sweep's lanes. */
    private final CpuObsKernels scalarKernels = new CpuObsScalarKernels();
    private final CpuFactorization factorization;

    /** species: the vector kernels' species, chosen once here; null for the scalar path (the reference the vector path is tested against). */
    CpuCompressionOps(Backend linear, ParallelFor parallel, int threads, VectorSpecies<Float> species) {
        this.linear = linear;
        this.parallel = parallel;
        this.threads = threads;
        this.kernels = species == null ? new CpuObsScalarKernels() : CpuObsVectorKernels.forSpecies(species);
        this.factorization = new CpuFactorization(kernels, parallel, threads);
    }

    private void parallel(int n, IntConsumer body) {
        parallel.run(n, body);
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

    boolean inverseCholeskyUpper(FloatMatrix h) {
        return factorization.inverseCholeskyUpper(h);
    }

    // ---- the OBS sweep ----

    byte[] obsBlockMask(FloatMatrix w, FloatMatrix hinv, int i1, int i2, double sparsity) {
        int rows = w.rows(), count = i2 - i1, size = rows * count;
        if (size == 0) return new byte[0];
        float[] saliency = new float[size];
        int[] keys = new int[size];
        float[] d = new float[count];
        for (int i = 0; i < count; i++) d[i] = hinv.get(i1 + i, i1 + i);
        int chunk = Math.max(1, CpuFactorization.ceilDiv(rows, 4 * threads));
        parallel(CpuFactorization.ceilDiv(rows, chunk), t -> {
            float[] row = new float[count];
            for (int r = t * chunk, end = Math.min(rows, r + chunk); r < end; r++) {
                MemorySegment.copy(w.segment(), F32, w.rowOffset(r) + (long) i1 * Float.BYTES, row, 0, count);
                for (int i = 0, k = r * count; i < count; i++, k++) {
                    saliency[k] = row[i] * row[i] / (d[i] * d[i]);
                    keys[k] = orderKey(saliency[k]);
                }
            }
        });
        // The reference's sorted[⌊n·sparsity⌋], found by selection rather than by sorting the whole block.
        float thresh = fromOrderKey(kthSmallestKey(keys, Math.min(size - 1, (int) (size * sparsity))));
        byte[] mask = new byte[size];
        for (int k = 0; k < size; k++) mask[k] = (byte) (saliency[k] <= thresh ? 1 : 0);
        return mask;
    }

    /**
     * Float.compare's order (Arrays.sort's: −0 before +0, NaN last) as unsigned int order: Float.floatToIntBits (one
     * NaN), negatives' magnitude bits flipped, then the sign bit flipped.
     */
    static int orderKey(float f) {
        int bits = Float.floatToIntBits(f);
        return (bits < 0 ? bits ^ Integer.MAX_VALUE : bits) ^ Integer.MIN_VALUE;
    }

    static float fromOrderKey(int key) {
        int bits = key ^ Integer.MIN_VALUE;
        return Float.intBitsToFloat(bits < 0 ? bits ^ Integer.MAX_VALUE : bits);
    }

    /** The k-th smallest of keys as unsigned ints: a radix select on the top, then the bottom 16 bits; linear, no worst case. */
    static int kthSmallestKey(int[] keys, int k) {
        int[] counts = new int[1 << 16];
        for (int key : keys) counts[key >>> 16]++;
        int high = 0;
        while (k >= counts[high]) k -= counts[high++];
        java.util.Arrays.fill(counts, 0);
        for (int key : keys) if (key >>> 16 == high) counts[key & 0xffff]++;
        int low = 0;
        while (k >= counts[low]) k -= counts[low++];
        return high << 16 | low;
    }

    void obsBlock(ObsBlock b) {
        int count = b.count(), i1 = b.i1(), rows = b.w().rows();
        // The block of Hinv on the heap, row-major upper triangle: every row's sweep reads all of it.
        float[] hinv1 = new float[count * count];
        for (int i = 0; i < count; i++)
            MemorySegment.copy(b.hinv().segment(), F32, b.hinv().rowOffset(i1 + i) + (long) (i1 + i) * Float.BYTES, hinv1, i * count + i, count - i);
        int lanes = kernels.sweepLanes(), perTask = lanes * Math.max(1, SWEEP_ROWS / lanes);
        parallel(CpuFactorization.ceilDiv(rows, perTask), t -> {
            int r0 = t * perTask, r1 = Math.min(rows, r0 + perTask), r = r0;
            for (; r + lanes <= r1; r += lanes) sweep(b, hinv1, r, kernels);
            // Rows left over below a multiple of the lanes: one at a time, the same steps in scalar code.
            for (; r < r1; r++) sweep(b, hinv1, r, scalarKernels);
        });
    }

    /** Rows [r0, r0 + L) of the block through k, L = k.sweepLanes(), on heap copies of their slices. */
    private static void sweep(ObsBlock b, float[] hinv1, int r0, CpuObsKernels k) {
        int count = b.count(), i1 = b.i1(), lanes = k.sweepLanes(), size = count * lanes;
        FloatMatrix wm = b.w();
        float[] w = new float[size], err = new float[size], mask = null, scale = null, zero = null;
        double[] loss = new double[lanes];
        for (int lane = 0; lane < lanes; lane++)
            MemorySegment.copy(wm.segment(), F32, wm.rowOffset(r0 + lane) + (long) i1 * Float.BYTES, w, lane * count, count);
        // scale, zero and err hold just the block's columns, so these rows are one contiguous run.
        if (b.quantized()) {
            MemorySegment.copy(b.scale().segment(), F32, b.scale().rowOffset(r0), scale = new float[size], 0, size);
            MemorySegment.copy(b.zero().segment(), F32, b.zero().rowOffset(r0), zero = new float[size], 0, size);
        }
        if (b.mask() != null) {
            mask = new float[size];
            for (int e = 0, m = r0 * count; e < size; e++, m++) mask[e] = b.mask()[m];
        }
        k.sweep(w, hinv1, count, mask, b.prunen(), b.prunem(), scale, zero, b.maxq(), err, loss);
        for (int lane = 0; lane < lanes; lane++)
            MemorySegment.copy(w, lane * count, wm.segment(), F32, wm.rowOffset(r0 + lane) + (long) i1 * Float.BYTES, count);
        MemorySegment.copy(err, 0, b.err().segment(), F32, b.err().rowOffset(r0), size);
        for (int lane = 0; lane < lanes; lane++) b.losses()[r0 + lane] += loss[lane] / 2;
    }

    /**
     * W[:, i2:] −= Err · Hinv[i1:i2, i2:], as the reference: the product first, then one subtraction. Hinv's rows are
     * packed into panels once; tasks are blocks of rows × groups of panels, each on heap copies of its slices.
     */
    void obsLazyUpdate(FloatMatrix w, FloatMatrix err, FloatMatrix hinv, int i1, int i2) {
        int rows = w.rows(), cols = w.cols(), rest = cols - i2, count = i2 - i1;
        if (rest <= 0 || rows == 0 || count == 0) return;
        int pw = kernels.panelWidth(), mr = kernels.tileRows(), panels = CpuFactorization.ceilDiv(rest, pw);
        float[] hp = new float[panels * count * pw];
        parallel(panels, c -> {
            int c0 = i2 + c * pw, lanes = Math.min(pw, cols - c0);
            for (int k = 0; k < count; k++)
                MemorySegment.copy(hinv.segment(), F32, hinv.rowOffset(i1 + k) + (long) c0 * Float.BYTES, hp, (c * count + k) * pw, lanes);
        });
        int group = Math.max(1, LAZY_GROUP_BYTES / (count * pw * Float.BYTES));
        int groups = CpuFactorization.ceilDiv(panels, group);
        int rowBlock = LAZY_ROW_TILES * mr, rowBlocks = CpuFactorization.ceilDiv(rows, rowBlock);
        parallel(rowBlocks * groups, t -> {
            int r0 = t / groups * rowBlock, r1 = Math.min(rows, r0 + rowBlock), g0 = t % groups * group, g1 = Math.min(panels, g0 + group);
            int c0 = i2 + g0 * pw, width = (g1 - g0) * pw, lanes = Math.min(width, cols - c0);
            float[] e = new float[(r1 - r0) * count], c = new float[(r1 - r0) * width];
            MemorySegment.copy(err.segment(), F32, err.rowOffset(r0), e, 0, (r1 - r0) * count);
            for (int r = r0; r < r1; r++)
                MemorySegment.copy(w.segment(), F32, w.rowOffset(r) + (long) c0 * Float.BYTES, c, (r - r0) * width, lanes);
            for (int i = r0; i < r1; i += mr)
                for (int p = g0; p < g1; p++)
                    kernels.tile(Math.min(mr, r1 - i), e, (i - r0) * count, count, hp, p * count * pw, count, c, (i - r0) * width + (p - g0) * pw, width, CpuObsKernels.SUBTRACT);
            for (int r = r0; r < r1; r++)
                MemorySegment.copy(c, (r - r0) * width, w.segment(), F32, w.rowOffset(r) + (long) c0 * Float.BYTES, lanes);
        });
    }
}
