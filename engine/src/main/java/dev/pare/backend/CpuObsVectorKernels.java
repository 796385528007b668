package dev.pare.backend;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.invoke.MethodHandles;
import java.util.Map;

/**
 * {@link CpuObsKernels} with the Vector API, written once for any species.
 * <p>
 * C2 only compiles vector code to SIMD instructions when the species is a compile-time constant (a species in an
 * instance field runs about ten times slower, measured on a dot product), so, as in {@link VectorKernels}, the
 * species is a {@code static final} and another width gets a copy of this class defined as a hidden class whose class
 * data is that species. One source, any width. This class therefore has no nested classes or lambdas.
 */
final class CpuObsVectorKernels implements CpuObsKernels {
    /** This copy's species: the preferred one in the class as loaded, the class data in a hidden copy. */
    static final VectorSpecies<Float> F = speciesOfThisCopy();
    private static final int V = F.length();
    /**
     * The tile is MR rows × NR = 2 vectors: 12 accumulators + 2 panel vectors + 1 broadcast = 15 registers, which fits
     * AVX2's 16 as well as AVX-512's 32 without spilling.
     */
    private static final int MR = 6;
    private static final int W = 2 * V;
    /** Doubles of F's shape (V/2 lanes), and the V/2 floats that widen into one. */
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, F.vectorShape());
    private static final VectorSpecies<Float> FH = VectorSpecies.of(float.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final int DV = D.length();

    private static final SpeciesCopies<CpuObsKernels> COPIES = new SpeciesCopies<>(CpuObsVectorKernels.class, CpuObsKernels.class);

    private CpuObsVectorKernels() {
    }

    private static VectorSpecies<Float> speciesOfThisCopy() {
        return SpeciesCopies.speciesOf(MethodHandles.lookup());
    }

    /** Kernels for {@code species}: this class itself for the preferred species, otherwise a hidden copy (one per species). */
    static CpuObsKernels forSpecies(VectorSpecies<Float> species) {
        if (species.equals(F)) return new CpuObsVectorKernels();
        return COPIES.forSpecies(species, MethodHandles.lookup());
    }

    @Override
    public String describe() {
        return "vector " + F.vectorBitSize() + "-bit (" + V + " floats)";
    }

    @Override
    public int panelWidth() {
        return W;
    }

    @Override
    public int tileRows() {
        return MR;
    }

    @Override
    public void tile(int rows, float[] a, int aOff, int lda, float[] b, int bOff, int depth, float[] c, int cOff, int ldc, int mode) {
        if (rows == MR) {
            tile6(a, aOff, lda, b, bOff, depth, c, cOff, ldc, mode);
        } else {
            for (int r = 0; r < rows; r++) tile1(a, aOff + r * lda, b, bOff, depth, c, cOff + r * ldc, mode);
        }
    }

    @Override
    public void tileIntoDouble(int rows, float[] a, int aOff, int lda, float[] b, int bOff, int depth, double[] c, int cOff, int ldc, float[] scratch) {
        // Through memory: widening a half of a register (convertShape part 1) compiles to a slow sequence, widening a
        // half-width load is one instruction (measured: 115 against 80 GFLOP/s at depth 32).
        tile(rows, a, aOff, lda, b, bOff, depth, scratch, 0, W, SET);
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < W; i += DV) {
                DoubleVector v = (DoubleVector) FloatVector.fromArray(FH, scratch, r * W + i).convertShape(VectorOperators.F2D, D, 0);
                int o = cOff + r * ldc + i;
                DoubleVector.fromArray(D, c, o).add(v).intoArray(c, o);
            }
        }
    }

    /** The accumulators live in registers for the whole depth; each step is 2 panel loads, 6 broadcasts, 12 FMAs. */
    private static void tile6(float[] a, int aOff, int lda, float[] b, int bOff, int depth, float[] c, int cOff, int ldc, int mode) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F), c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F), c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F), c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
        int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int p = 0; p < depth; p++) {
            int bo = bOff + p * W;
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + V);
            FloatVector x = FloatVector.broadcast(F, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(F, a[a4 + p]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(F, a[a5 + p]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        store(c00, c, cOff, mode);
        store(c01, c, cOff + V, mode);
        store(c10, c, cOff + ldc, mode);
        store(c11, c, cOff + ldc + V, mode);
        store(c20, c, cOff + 2 * ldc, mode);
        store(c21, c, cOff + 2 * ldc + V, mode);
        store(c30, c, cOff + 3 * ldc, mode);
        store(c31, c, cOff + 3 * ldc + V, mode);
        store(c40, c, cOff + 4 * ldc, mode);
        store(c41, c, cOff + 4 * ldc + V, mode);
        store(c50, c, cOff + 5 * ldc, mode);
        store(c51, c, cOff + 5 * ldc + V, mode);
    }

    /** One row, for the rows left over below a multiple of MR: the same chain per output. */
    private static void tile1(float[] a, int aOff, float[] b, int bOff, int depth, float[] c, int cOff, int mode) {
        FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F);
        for (int p = 0; p < depth; p++) {
            int bo = bOff + p * W;
            FloatVector x = FloatVector.broadcast(F, a[aOff + p]);
            c0 = x.fma(FloatVector.fromArray(F, b, bo), c0);
            c1 = x.fma(FloatVector.fromArray(F, b, bo + V), c1);
        }
        store(c0, c, cOff, mode);
        store(c1, c, cOff + V, mode);
    }

    private static void store(FloatVector acc, float[] c, int off, int mode) {
        if (mode == SET) {
            acc.intoArray(c, off);
        } else {
            FloatVector old = FloatVector.fromArray(F, c, off);
            (mode == ADD ? old.add(acc) : old.sub(acc)).intoArray(c, off);
        }
    }

    private static final VectorShuffle<Float> REVERSED = VectorShuffle.iota(F, V - 1, -1, true);

    @Override
    public void reverse(float[] src, int srcOff, float[] dst, int dstOff, int len) {
        int k = 0;
        for (int bound = F.loopBound(len); k < bound; k += V)
            FloatVector.fromArray(F, src, srcOff + len - k - V).rearrange(REVERSED).intoArray(dst, dstOff + k);
        for (; k < len; k++) dst[dstOff + k] = src[srcOff + len - 1 - k];
    }

    // ---- the column sweep, one row per lane: every step of a column is one vector op, with no tails ----

    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** 1.5·2²³: adding and removing it rounds a float of magnitude below 2²² to an integer, half to even. */
    private static final float ROUNDER = 0x1.8p23f;
    /** Columns whose errors reach the rest of the block together (rounded to whole N:M windows). */
    private static final int SWEEP_SUBBLOCK = 16;

    @Override
    public int sweepLanes() {
        return V;
    }

    // The sweep is split into small methods that pass arrays, not vectors: one large method exceeds C2's inlining
    // budget, and a Vector API call left out of line runs its allocating fallback (measured: 5 cycles per FMA).

    @Override
    public void sweep(float[] w, float[] hinv, int count, float[] mask, int prunen, int prunem, float[] scale, float[] zero,
                      int maxq, float[] err, double[] loss) {
        // One row per lane: the rows come in and go out through gathers and scatters of one column at a time.
        int[] rows = new int[V];
        for (int lane = 0; lane < V; lane++) rows[lane] = lane * count;
        int size = count * V;
        float[] wt = new float[size], et = new float[size], st = null, zt = null;
        boolean[] pruned = new boolean[size];
        toLanes(w, wt, count, rows);
        if (scale != null) {
            toLanes(scale, st = new float[size], count, rows);
            toLanes(zero, zt = new float[size], count, rows);
        }
        if (mask != null)
            for (int j = 0; j < count; j++) FloatVector.fromArray(F, mask, j, rows, 0).compare(VectorOperators.NE, 0f).intoArray(pruned, j * V);
        int[] keys = prunen != 0 ? new int[prunem * V] : null;
        float[] squares = new float[V];
        // Sub-blocks of columns, a whole number of N:M windows so that a window never waits for a sub-block's update.
        int sub = Math.min(count, prunen != 0 ? prunem * Math.max(1, SWEEP_SUBBLOCK / prunem) : SWEEP_SUBBLOCK);
        float[] negErr = new float[sub * V];
        java.util.Arrays.fill(loss, 0, V, 0);
        for (int s0 = 0; s0 < count; s0 += sub) {
            int s1 = Math.min(count, s0 + sub);
            for (int i = s0; i < s1; i++) {
                if (prunen != 0 && i % prunem == 0) selectNofM(wt, hinv, count, i, prunen, prunem, pruned, keys);
                column(wt, hinv[i * count + i], i, pruned, st, zt, maxq, et, loss, squares, negErr, (i - s0) * V);
                spreadWithin(wt, negErr, (i - s0) * V, hinv, i * count, i + 1, s1);
            }
            spreadAfter(wt, negErr, hinv, count, s0, s1);
        }
        fromLanes(wt, w, count, rows);
        fromLanes(et, err, count, rows);
    }

    /** Row-major [V × count] → lanes, element (j, lane) at [j·V + lane]. */
    private static void toLanes(float[] a, float[] t, int count, int[] rows) {
        for (int j = 0; j < count; j++) FloatVector.fromArray(F, a, j, rows, 0).intoArray(t, j * V);
    }

    private static void fromLanes(float[] t, float[] a, int count, int[] rows) {
        for (int j = 0; j < count; j++) FloatVector.fromArray(F, t, j * V).intoArray(a, j, rows, 0);
    }

    /** Column i: q, the error (into err, and negated into negErr at ne), the loss; w's column becomes q. */
    private static void column(float[] w, float d, int i, boolean[] pruned, float[] scale, float[] zero, int maxq, float[] err,
                               double[] loss, float[] squares, float[] negErr, int ne) {
        int o = i * V;
        FloatVector wv = FloatVector.fromArray(F, w, o);
        FloatVector q = wv.blend(0f, VectorMask.fromArray(F, pruned, o));
        if (scale != null) q = quantize(q, FloatVector.fromArray(F, scale, o), FloatVector.fromArray(F, zero, o), maxq);
        FloatVector diff = wv.sub(q);
        FloatVector e = diff.div(d);
        e.intoArray(err, o);
        e.neg().intoArray(negErr, ne);
        q.intoArray(w, o);
        // (double) (diff·diff) / ((double) d·d), lane by lane, as the scalar sweep sums it.
        diff.mul(diff).intoArray(squares, 0);
        double dd = (double) d * d;
        widen(squares, 0).div(dd).add(DoubleVector.fromArray(D, loss, 0)).intoArray(loss, 0);
        widen(squares, DV).div(dd).add(DoubleVector.fromArray(D, loss, DV)).intoArray(loss, DV);
    }

    /** Columns [from, to) −= the error at negErr[ne] times Hinv's row (from hinv[h + j]). */
    private static void spreadWithin(float[] w, float[] negErr, int ne, float[] hinv, int h, int from, int to) {
        FloatVector e = FloatVector.fromArray(F, negErr, ne);
        for (int j = from; j < to; j++) {
            int o = j * V;
            e.fma(FloatVector.broadcast(F, hinv[h + j]), FloatVector.fromArray(F, w, o)).intoArray(w, o);
        }
    }

    /**
     * The columns after the sub-block [s0, s1) take its columns' errors in column order, in registers: per element
     * the FMAs of spreading them one column at a time, with one store instead of one per column. Four columns at a
     * time, so that four FMA chains hide each other's latency.
     */
    private static void spreadAfter(float[] w, float[] negErr, float[] hinv, int count, int s0, int s1) {
        int j = s1;
        for (; j + 4 <= count; j += 4) {
            int o = j * V;
            FloatVector a0 = FloatVector.fromArray(F, w, o), a1 = FloatVector.fromArray(F, w, o + V);
            FloatVector a2 = FloatVector.fromArray(F, w, o + 2 * V), a3 = FloatVector.fromArray(F, w, o + 3 * V);
            for (int i = s0, h = s0 * count + j; i < s1; i++, h += count) {
                FloatVector e = FloatVector.fromArray(F, negErr, (i - s0) * V);
                a0 = e.fma(FloatVector.broadcast(F, hinv[h]), a0);
                a1 = e.fma(FloatVector.broadcast(F, hinv[h + 1]), a1);
                a2 = e.fma(FloatVector.broadcast(F, hinv[h + 2]), a2);
                a3 = e.fma(FloatVector.broadcast(F, hinv[h + 3]), a3);
            }
            a0.intoArray(w, o);
            a1.intoArray(w, o + V);
            a2.intoArray(w, o + 2 * V);
            a3.intoArray(w, o + 3 * V);
        }
        for (; j < count; j++) {
            int o = j * V;
            FloatVector a = FloatVector.fromArray(F, w, o);
            for (int i = s0, h = s0 * count + j; i < s1; i++, h += count)
                a = FloatVector.fromArray(F, negErr, (i - s0) * V).fma(FloatVector.broadcast(F, hinv[h]), a);
            a.intoArray(w, o);
        }
    }

    private static DoubleVector widen(float[] a, int off) {
        return (DoubleVector) FloatVector.fromArray(FH, a, off).convertShape(VectorOperators.F2D, D, 0);
    }

    /**
     * QuantGrid.quantize lane by lane: scale·(clamp(rint(x/scale) + zero, 0, maxq) − zero). rint is the add-and-remove
     * of 1.5·2²³, exact below 2²²; larger magnitudes (and ±∞) are kept as they are, which clamps to the same end of
     * the grid as their rint would (zero ≤ maxq ≤ 255). A −0 from rint becomes +0 either way after + zero and max(0, ·).
     */
    private static FloatVector quantize(FloatVector x, FloatVector scale, FloatVector zero, int maxq) {
        FloatVector v = x.div(scale);
        FloatVector r = v.add(ROUNDER).sub(ROUNDER).blend(v, v.abs().compare(VectorOperators.GE, 0x1p22f));
        return r.add(zero).min((float) maxq).max(0f).sub(zero).mul(scale);
    }

    /**
     * The scalar sweep's N:M choice for every lane at once: weight j of the window goes when fewer than n others come
     * before it in Float.compare's order of w²/d² (ties: the lower index first).
     */
    private static void selectNofM(float[] w, float[] hinv, int count, int i, int n, int m, boolean[] pruned, int[] keys) {
        int len = Math.min(m, count - i);
        for (int j = 0; j < len; j++) {
            float d = hinv[(i + j) * count + i + j];
            FloatVector v = FloatVector.fromArray(F, w, (i + j) * V);
            orderKeys(v.mul(v).div(d * d)).intoArray(keys, j * V);
        }
        for (int j = 0; j < len; j++) {
            IntVector kj = IntVector.fromArray(I, keys, j * V);
            IntVector rank = IntVector.zero(I);
            // Two loops, so that each comparison is a constant operator (the Vector API's fast path needs one).
            for (int k = 0; k < j; k++) rank = rank.add(1, IntVector.fromArray(I, keys, k * V).compare(VectorOperators.LE, kj));
            for (int k = j + 1; k < len; k++) rank = rank.add(1, IntVector.fromArray(I, keys, k * V).compare(VectorOperators.LT, kj));
            int o = (i + j) * V;
            VectorMask.fromArray(F, pruned, o).or(rank.compare(VectorOperators.LT, n).cast(F)).intoArray(pruned, o);
        }
    }

    /** Ints whose signed order is Float.compare's: Float.floatToIntBits (one NaN), then negatives' magnitude bits flipped. */
    private static IntVector orderKeys(FloatVector s) {
        IntVector bits = s.reinterpretAsInts().blend(0x7fc00000, s.test(VectorOperators.IS_NAN).cast(I));
        return bits.lanewise(VectorOperators.XOR, bits.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.AND, 0x7fffffff));
    }
}
