package dev.pare.backend;

import dev.pare.tensor.FloatMatrix;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;

import static dev.pare.tensor.FloatMatrix.F32;

/**
 * The kernels with the Vector API, written once for any species: loops run to {@code F.loopBound(n)} with several
 * accumulators, then a scalar tail that matches {@link ScalarKernels}.
 * <p>
 * C2 only turns vector code into SIMD instructions when the species is a compile-time constant; a species read from
 * an instance field costs an order of magnitude (measured: 4 vs 52 GFLOP/s on a dot product). So the species is a
 * {@code static final} of this class, and a backend that wants another width gets a copy of this class defined as a
 * hidden class whose class data is that species ({@link #forSpecies}). One source, any width, every copy a constant.
 * This class therefore has no nested classes or lambdas: a copy would share them with the original.
 */
final class VectorKernels implements Kernels {
    /** This copy's species: the preferred one in the class as loaded, the class data in a hidden copy. */
    static final VectorSpecies<Float> F = speciesOfThisCopy();
    private static final int V = F.length();
    /** Doubles of F's shape (V/2 lanes), for sums that must be accurate; FH is the V/2 floats that widen into one. */
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, F.vectorShape());
    private static final VectorSpecies<Float> FH = VectorSpecies.of(float.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    // The linear micro-kernel computes MR rows × NR vectors of outputs. Six rows: 12 accumulators + 2 weight vectors +
    // 1 broadcast = 15 registers, the 16 of AVX2 or NEON without spilling; with AVX-512's 32 registers eight rows
    // (19 registers) give each weight load 8 FMAs instead of 6.
    private static final int MR = V >= 16 ? 8 : 6;
    private static final int NR = 2;
    /** Output columns per packed panel of w. */
    private static final int PW = NR * V;
    /**
     * Depth of a packed block ({@link Kernels#LINEAR_DEPTH_BLOCK}): a PW × KC panel of w (32–64 KiB) is reread from
     * L1/L2 by every MR-row sliver of x. Measured on a Zen 5 core, 512 beat 256 by 2–15%.
     */
    private static final int KC = LINEAR_DEPTH_BLOCK;
    /** Rows of x per packed block: MC × KC floats (144 KiB) stay in L2 while the panels of w pass over them. */
    private static final int MC = 12 * MR;

    /** Query rows per step of the blocked attention (a multiple of MR): S is ATTENTION_BLOCK × (keys) floats. */
    private static final int ATTENTION_BLOCK = 10 * MR;

    // Per-thread scratch arrays, by purpose. Reused across calls (their contents are whatever the last call left), so
    // a forward pass does not allocate hundreds of MiB of packing buffers per layer.
    private static final int PACKED_W = 0, PACKED_X = 1, TILE = 2, KEYS = 3, VALUES = 4, QUERIES = 5, SCORES = 6;
    private static final ThreadLocal<float[][]> SCRATCH = new ThreadLocal<>();

    private static final SpeciesCopies<Kernels> COPIES = new SpeciesCopies<>(VectorKernels.class, Kernels.class);

    private VectorKernels() {
    }

    private static VectorSpecies<Float> speciesOfThisCopy() {
        return SpeciesCopies.speciesOf(MethodHandles.lookup());
    }

    /** Kernels for {@code species}: this class itself for the preferred species, otherwise a hidden copy (one per species). */
    static Kernels forSpecies(VectorSpecies<Float> species) {
        if (species.equals(F)) return new VectorKernels();
        return COPIES.forSpecies(species, MethodHandles.lookup());
    }

    @Override
    public String describe() {
        return "vector " + F.vectorBitSize() + "-bit (" + V + " floats)";
    }

    @Override
    public int linearColumnAlign() {
        return PW;
    }

    /** Six, whatever MR: from six rows on every width takes the tiled path, so results do not depend on the width. */
    @Override
    public int linearMinRows() {
        return 6;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // linear: out = x·wᵀ + bias, GotoBLAS/BLIS style. Both x [n×k] and w [m×k] run along k, so w is packed, one depth
    // block of KC at a time, into panels of PW output columns laid out [p][column]: one vector load then gives PW
    // consecutive outputs' weights at depth p, and a broadcast x[i][p] feeds NR FMAs. Per output, each depth block is
    // one FMA chain from 0 and the blocks' sums are added in order, so the result does not depend on the vector width,
    // the row/column blocking or the thread count.

    @Override
    public void linear(FloatMatrix x, FloatMatrix w, FloatMatrix bias, FloatMatrix out, int r0, int r1, int c0, int c1) {
        int k = x.cols();
        float[] packedW = scratch(PACKED_W, packedWeightsLength(c1 - c0, Math.min(KC, k)));
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            packW(w, c0, c1, p0, kc, packedW, 0);
            multiply(x, packedW, 0, out, r0, r1, c0, c1, p0, kc);
        }
        if (bias != null) addBias(bias, out, r0, r1, c0, c1);
    }

    @Override
    public int packedWeightsLength(int m, int kc) {
        return ceilDiv(m, PW) * PW * kc;
    }

    @Override
    public void packWeights(FloatMatrix w, int c0, int c1, int p0, int kc, float[] packed) {
        packW(w, c0, c1, p0, kc, packed, c0 / PW * PW * kc);
    }

    @Override
    public void linearPacked(FloatMatrix x, FloatMatrix w, float[] packed, FloatMatrix out, int r0, int r1, int c0, int c1, int p0, int kc) {
        multiply(x, packed, c0 / PW * PW * kc, out, r0, r1, c0, c1, p0, kc);
    }

    /** out[r0..r1) × [c0..c1) (+)= x · (w's panels at packedOff) over depth [p0, p0 + kc). */
    private static void multiply(FloatMatrix x, float[] packedW, int packedOff, FloatMatrix out, int r0, int r1, int c0, int c1, int p0, int kc) {
        int panels = ceilDiv(c1 - c0, PW);
        float[] packedX = scratch(PACKED_X, ceilDiv(Math.min(MC, r1 - r0), MR) * MR * kc);
        // The micro-kernel sees only heap arrays (packed x, packed w, this tile of sums), so its compiled code does not
        // depend on which kind of MemorySegment the caller passed, and tiles cut by the block's edges need no other kernel.
        float[] tile = scratch(TILE, MR * PW);
        MemorySegment os = out.segment();
        long oStride = (long) out.cols() * Float.BYTES;
        for (int i0 = r0; i0 < r1; i0 += MC) {
            int i1 = Math.min(r1, i0 + MC);
            packX(x, i0, i1, p0, kc, packedX);
            for (int panel = 0; panel < panels; panel++) {
                int j = c0 + panel * PW;
                int width = Math.min(PW, c1 - j);
                for (int i = i0; i < i1; i += MR) {
                    kernel(packedX, (i - i0) * kc, packedW, packedOff + panel * PW * kc, kc, tile, 0, PW);
                    addTile(tile, Math.min(MR, i1 - i), width, p0 == 0, os, i * oStride + (long) j * Float.BYTES, oStride);
                }
            }
        }
    }

    /**
     * out = tile (first depth block) or out + tile, for the rows × width corner of the tile that lies inside the block.
     * Adding after the kernel, BLIS-style, rather than loading C into the accumulators first, keeps the loads of out
     * (often L3 misses) off the FMA chains' critical path.
     */
    private static void addTile(float[] tile, int rows, int width, boolean first, MemorySegment os, long cOff, long oStride) {
        for (int r = 0; r < rows; r++) {
            long row = cOff + r * oStride;
            if (width == PW) {
                for (int v = 0; v < NR; v++) {
                    long o = row + (long) v * V * Float.BYTES;
                    FloatVector sum = FloatVector.fromArray(F, tile, r * PW + v * V);
                    if (!first) sum = FloatVector.fromMemorySegment(F, os, o, NATIVE).add(sum);
                    sum.intoMemorySegment(os, o, NATIVE);
                }
            } else {
                for (int c = 0; c < width; c++) {
                    long o = row + (long) c * Float.BYTES;
                    float sum = tile[r * PW + c];
                    os.set(F32, o, first ? sum : os.get(F32, o) + sum);
                }
            }
        }
    }

    /**
     * w rows [c0, c1) × depth [p0, p0+kc) into panels [panel][p][PW lanes] from packed[off]; lanes past c1 keep junk
     * whose outputs are dropped.
     */
    private static void packW(FloatMatrix w, int c0, int c1, int p0, int kc, float[] packed, int off) {
        MemorySegment ws = w.segment();
        long k = w.cols();
        for (int j = c0; j < c1; j++) {
            int dst = off + (j - c0) / PW * PW * kc + (j - c0) % PW;
            long src = j * k + p0;
            for (int p = 0; p < kc; p++) packed[dst + p * PW] = ws.getAtIndex(F32, src + p);
        }
    }

    /**
     * x rows [i0, i1) × depth [p0, p0+kc) into a dense [rows][kc] block: bulk row copies, no transposition, since the
     * kernel reads each of its MR rows as a stream of broadcasts. Rows past i1 in the last sliver keep junk.
     */
    private static void packX(FloatMatrix x, int i0, int i1, int p0, int kc, float[] packed) {
        MemorySegment xs = x.segment();
        long k = x.cols();
        for (int i = i0; i < i1; i++) MemorySegment.copy(xs, F32, (i * k + p0) * Float.BYTES, packed, (i - i0) * kc, kc);
    }

    /**
     * c[MR rows of cStride, PW] = x sliver · w panel over depth kc. The x sliver is MR rows of kc floats at xpOff; the
     * w panel is kc rows of PW floats at wpOff. MR × NR accumulators stay in registers for the whole depth; per step two
     * vector loads of w and MR broadcasts of x feed MR × NR FMAs (C2 folds the broadcasts into loads).
     */
    private static void kernel(float[] xp, int xpOff, float[] wp, int wpOff, int kc, float[] c, int cOff, int cStride) {
        if (MR == 8) kernel8(xp, xpOff, wp, wpOff, kc, c, cOff, cStride);
        else kernel6(xp, xpOff, wp, wpOff, kc, c, cOff, cStride);
    }

    /** {@link #kernel} for eight rows. */
    private static void kernel8(float[] xp, int xpOff, float[] wp, int wpOff, int kc, float[] c, int cOff, int cStride) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
        FloatVector c60 = FloatVector.zero(F), c61 = FloatVector.zero(F);
        FloatVector c70 = FloatVector.zero(F), c71 = FloatVector.zero(F);
        int x0 = xpOff, x1 = x0 + kc, x2 = x1 + kc, x3 = x2 + kc, x4 = x3 + kc, x5 = x4 + kc, x6 = x5 + kc, x7 = x6 + kc;
        for (int p = 0; p < kc; p++) {
            int wo = wpOff + p * PW;
            FloatVector w0 = FloatVector.fromArray(F, wp, wo);
            FloatVector w1 = FloatVector.fromArray(F, wp, wo + V);
            FloatVector a = FloatVector.broadcast(F, xp[x0 + p]);
            c00 = a.fma(w0, c00);
            c01 = a.fma(w1, c01);
            a = FloatVector.broadcast(F, xp[x1 + p]);
            c10 = a.fma(w0, c10);
            c11 = a.fma(w1, c11);
            a = FloatVector.broadcast(F, xp[x2 + p]);
            c20 = a.fma(w0, c20);
            c21 = a.fma(w1, c21);
            a = FloatVector.broadcast(F, xp[x3 + p]);
            c30 = a.fma(w0, c30);
            c31 = a.fma(w1, c31);
            a = FloatVector.broadcast(F, xp[x4 + p]);
            c40 = a.fma(w0, c40);
            c41 = a.fma(w1, c41);
            a = FloatVector.broadcast(F, xp[x5 + p]);
            c50 = a.fma(w0, c50);
            c51 = a.fma(w1, c51);
            a = FloatVector.broadcast(F, xp[x6 + p]);
            c60 = a.fma(w0, c60);
            c61 = a.fma(w1, c61);
            a = FloatVector.broadcast(F, xp[x7 + p]);
            c70 = a.fma(w0, c70);
            c71 = a.fma(w1, c71);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + V);
        c10.intoArray(c, cOff + cStride);
        c11.intoArray(c, cOff + cStride + V);
        c20.intoArray(c, cOff + 2 * cStride);
        c21.intoArray(c, cOff + 2 * cStride + V);
        c30.intoArray(c, cOff + 3 * cStride);
        c31.intoArray(c, cOff + 3 * cStride + V);
        c40.intoArray(c, cOff + 4 * cStride);
        c41.intoArray(c, cOff + 4 * cStride + V);
        c50.intoArray(c, cOff + 5 * cStride);
        c51.intoArray(c, cOff + 5 * cStride + V);
        c60.intoArray(c, cOff + 6 * cStride);
        c61.intoArray(c, cOff + 6 * cStride + V);
        c70.intoArray(c, cOff + 7 * cStride);
        c71.intoArray(c, cOff + 7 * cStride + V);
    }

    /** {@link #kernel} for six rows. */
    private static void kernel6(float[] xp, int xpOff, float[] wp, int wpOff, int kc, float[] c, int cOff, int cStride) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
        int x0 = xpOff, x1 = x0 + kc, x2 = x1 + kc, x3 = x2 + kc, x4 = x3 + kc, x5 = x4 + kc;
        for (int p = 0; p < kc; p++) {
            int wo = wpOff + p * PW;
            FloatVector w0 = FloatVector.fromArray(F, wp, wo);
            FloatVector w1 = FloatVector.fromArray(F, wp, wo + V);
            FloatVector a = FloatVector.broadcast(F, xp[x0 + p]);
            c00 = a.fma(w0, c00);
            c01 = a.fma(w1, c01);
            a = FloatVector.broadcast(F, xp[x1 + p]);
            c10 = a.fma(w0, c10);
            c11 = a.fma(w1, c11);
            a = FloatVector.broadcast(F, xp[x2 + p]);
            c20 = a.fma(w0, c20);
            c21 = a.fma(w1, c21);
            a = FloatVector.broadcast(F, xp[x3 + p]);
            c30 = a.fma(w0, c30);
            c31 = a.fma(w1, c31);
            a = FloatVector.broadcast(F, xp[x4 + p]);
            c40 = a.fma(w0, c40);
            c41 = a.fma(w1, c41);
            a = FloatVector.broadcast(F, xp[x5 + p]);
            c50 = a.fma(w0, c50);
            c51 = a.fma(w1, c51);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + V);
        c10.intoArray(c, cOff + cStride);
        c11.intoArray(c, cOff + cStride + V);
        c20.intoArray(c, cOff + 2 * cStride);
        c21.intoArray(c, cOff + 2 * cStride + V);
        c30.intoArray(c, cOff + 3 * cStride);
        c31.intoArray(c, cOff + 3 * cStride + V);
        c40.intoArray(c, cOff + 4 * cStride);
        c41.intoArray(c, cOff + 4 * cStride + V);
        c50.intoArray(c, cOff + 5 * cStride);
        c51.intoArray(c, cOff + 5 * cStride + V);
    }

    @Override
    public void addBias(FloatMatrix bias, FloatMatrix out, int r0, int r1, int c0, int c1) {
        MemorySegment bs = bias.segment(), os = out.segment();
        int n = c1 - c0, bound = F.loopBound(n);
        for (int r = r0; r < r1; r++) {
            long row = ((long) r * out.cols() + c0) * Float.BYTES, b = (long) c0 * Float.BYTES;
            int i = 0;
            for (; i < bound; i += V) {
                long o = (long) i * Float.BYTES;
                FloatVector.fromMemorySegment(F, os, row + o, NATIVE).add(FloatVector.fromMemorySegment(F, bs, b + o, NATIVE))
                        .intoMemorySegment(os, row + o, NATIVE);
            }
            for (; i < n; i++) {
                long o = (long) i * Float.BYTES;
                os.set(F32, row + o, os.get(F32, row + o) + bs.get(F32, b + o));
            }
        }
    }

    @Override
    public void linearFewRows(FloatMatrix x, FloatMatrix w, FloatMatrix bias, FloatMatrix out, int r0, int r1, int c0, int c1) {
        MemorySegment xs = x.segment(), ws = w.segment(), os = out.segment();
        int k = x.cols();
        long stride = (long) k * Float.BYTES;
        // 16 rows of w (128 KiB at k = 2048) stay in L2 while each of the few x rows passes over them.
        for (int j0 = c0; j0 < c1; j0 += 16) {
            int j1 = Math.min(c1, j0 + 16);
            for (int i = r0; i < r1; i++) {
                for (int j = j0; j < j1; j++) {
                    float acc = dot(xs, i * stride, ws, j * stride, k);
                    if (bias != null) acc += bias.segment().getAtIndex(F32, j);
                    os.setAtIndex(F32, (long) i * out.cols() + j, acc);
                }
            }
        }
    }

    /** Σ a[i]·b[i] over n floats at byte offsets aOff, bOff: four accumulators hide the FMA latency. */
    private static float dot(MemorySegment a, long aOff, MemorySegment b, long bOff, int n) {
        FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F), s2 = FloatVector.zero(F), s3 = FloatVector.zero(F);
        int bound = F.loopBound(n);
        int i = 0;
        for (; i + 4 * V <= bound; i += 4 * V) {
            long o = (long) i * Float.BYTES, vb = (long) V * Float.BYTES;
            s0 = FloatVector.fromMemorySegment(F, a, aOff + o, NATIVE).fma(FloatVector.fromMemorySegment(F, b, bOff + o, NATIVE), s0);
            s1 = FloatVector.fromMemorySegment(F, a, aOff + o + vb, NATIVE).fma(FloatVector.fromMemorySegment(F, b, bOff + o + vb, NATIVE), s1);
            s2 = FloatVector.fromMemorySegment(F, a, aOff + o + 2 * vb, NATIVE).fma(FloatVector.fromMemorySegment(F, b, bOff + o + 2 * vb, NATIVE), s2);
            s3 = FloatVector.fromMemorySegment(F, a, aOff + o + 3 * vb, NATIVE).fma(FloatVector.fromMemorySegment(F, b, bOff + o + 3 * vb, NATIVE), s3);
        }
        for (; i < bound; i += V) {
            long o = (long) i * Float.BYTES;
            s0 = FloatVector.fromMemorySegment(F, a, aOff + o, NATIVE).fma(FloatVector.fromMemorySegment(F, b, bOff + o, NATIVE), s0);
        }
        float sum = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum = Math.fma(a.get(F32, aOff + (long) i * Float.BYTES), b.get(F32, bOff + (long) i * Float.BYTES), sum);
        return sum;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Norms: sums in double (float's 24 bits lose ~1e-6 over a 4096-wide row; the references are float64), widening
    // V/2 floats at a time; the per-element scaling stays in float with the same rounding steps as ScalarKernels.

    private static DoubleVector widen(MemorySegment s, long offset) {
        return (DoubleVector) FloatVector.fromMemorySegment(FH, s, offset, NATIVE).convertShape(VectorOperators.F2D, D, 0);
    }

    @Override
    public void rmsNorm(FloatMatrix x, FloatMatrix weight, float eps, FloatMatrix out, int r0, int r1) {
        int n = x.cols(), half = FH.length();
        MemorySegment xs = x.segment(), ws = weight.segment(), os = out.segment();
        for (int r = r0; r < r1; r++) {
            long row = (long) r * n * Float.BYTES;
            DoubleVector s0 = DoubleVector.zero(D), s1 = DoubleVector.zero(D);
            int bound = FH.loopBound(n);
            int i = 0;
            for (; i + 2 * half <= bound; i += 2 * half) {
                DoubleVector a = widen(xs, row + (long) i * Float.BYTES), b = widen(xs, row + (long) (i + half) * Float.BYTES);
                s0 = a.fma(a, s0);
                s1 = b.fma(b, s1);
            }
            for (; i < bound; i += half) {
                DoubleVector a = widen(xs, row + (long) i * Float.BYTES);
                s0 = a.fma(a, s0);
            }
            double sumSq = s0.add(s1).reduceLanes(VectorOperators.ADD);
            for (; i < n; i++) {
                double v = xs.get(F32, row + (long) i * Float.BYTES);
                sumSq += v * v;
            }
            float scale = (float) (1 / Math.sqrt(sumSq / n + eps));
            FloatVector sv = FloatVector.broadcast(F, scale);
            bound = F.loopBound(n);
            i = 0;
            for (; i < bound; i += V) {
                long o = (long) i * Float.BYTES;
                FloatVector.fromMemorySegment(F, xs, row + o, NATIVE).mul(sv).mul(FloatVector.fromMemorySegment(F, ws, o, NATIVE))
                        .intoMemorySegment(os, row + o, NATIVE);
            }
            for (; i < n; i++) {
                long o = (long) i * Float.BYTES;
                os.set(F32, row + o, xs.get(F32, row + o) * scale * ws.get(F32, o));
            }
        }
    }

    @Override
    public void layerNorm(FloatMatrix x, FloatMatrix weight, FloatMatrix bias, float eps, FloatMatrix out, int r0, int r1) {
        int n = x.cols(), half = FH.length();
        MemorySegment xs = x.segment(), ws = weight.segment(), bs = bias.segment(), os = out.segment();
        for (int r = r0; r < r1; r++) {
            long row = (long) r * n * Float.BYTES;
            int bound = FH.loopBound(n);
            DoubleVector s = DoubleVector.zero(D);
            int i = 0;
            for (; i < bound; i += half) s = s.add(widen(xs, row + (long) i * Float.BYTES));
            double sum = s.reduceLanes(VectorOperators.ADD);
            for (; i < n; i++) sum += xs.get(F32, row + (long) i * Float.BYTES);
            double mean = sum / n;
            // Second pass over the centred values: no E[x²] − mean² cancellation.
            DoubleVector m = DoubleVector.broadcast(D, mean), q = DoubleVector.zero(D);
            i = 0;
            for (; i < bound; i += half) {
                DoubleVector d = widen(xs, row + (long) i * Float.BYTES).sub(m);
                q = d.fma(d, q);
            }
            double sumSq = q.reduceLanes(VectorOperators.ADD);
            for (; i < n; i++) {
                double d = xs.get(F32, row + (long) i * Float.BYTES) - mean;
                sumSq += d * d;
            }
            float rstd = (float) (1 / Math.sqrt(sumSq / n + eps));
            float meanHi = (float) mean, meanLo = (float) (mean - meanHi);
            FloatVector hi = FloatVector.broadcast(F, meanHi), lo = FloatVector.broadcast(F, meanLo), rs = FloatVector.broadcast(F, rstd);
            bound = F.loopBound(n);
            i = 0;
            for (; i < bound; i += V) {
                long o = (long) i * Float.BYTES;
                FloatVector centred = FloatVector.fromMemorySegment(F, xs, row + o, NATIVE).sub(hi).sub(lo);
                centred.mul(rs).fma(FloatVector.fromMemorySegment(F, ws, o, NATIVE), FloatVector.fromMemorySegment(F, bs, o, NATIVE))
                        .intoMemorySegment(os, row + o, NATIVE);
            }
            for (; i < n; i++) {
                long o = (long) i * Float.BYTES;
                float centred = (xs.get(F32, row + o) - meanHi) - meanLo;
                os.set(F32, row + o, Math.fma(centred * rstd, ws.get(F32, o), bs.get(F32, o)));
            }
        }
    }

    @Override
    public void rope(FloatMatrix x, int heads, int headDim, int pos0, double[] invFreq, int r0, int r1) {
        int half = headDim / 2, bound = F.loopBound(half);
        float[] cos = new float[half], sin = new float[half];
        MemorySegment xs = x.segment();
        for (int t = r0; t < r1; t++) {
            ScalarKernels.ropeAngles(pos0 + t, invFreq, cos, sin);
            for (int h = 0; h < heads; h++) {
                long first = ((long) t * x.cols() + (long) h * headDim) * Float.BYTES, second = first + (long) half * Float.BYTES;
                int i = 0;
                for (; i < bound; i += V) {
                    long o = (long) i * Float.BYTES;
                    FloatVector x1 = FloatVector.fromMemorySegment(F, xs, first + o, NATIVE);
                    FloatVector x2 = FloatVector.fromMemorySegment(F, xs, second + o, NATIVE);
                    FloatVector c = FloatVector.fromArray(F, cos, i), s = FloatVector.fromArray(F, sin, i);
                    x1.mul(c).sub(x2.mul(s)).intoMemorySegment(xs, first + o, NATIVE);
                    x2.mul(c).add(x1.mul(s)).intoMemorySegment(xs, second + o, NATIVE);
                }
                for (; i < half; i++) {
                    long o = (long) i * Float.BYTES;
                    float x1 = xs.get(F32, first + o), x2 = xs.get(F32, second + o);
                    xs.set(F32, first + o, x1 * cos[i] - x2 * sin[i]);
                    xs.set(F32, second + o, x2 * cos[i] + x1 * sin[i]);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Attention. With a few queries (decoding) one row at a time: q·k vectorised over headDim, then p·v. With more, a
    // block of queries at once as two small GEMMs on the linear micro-kernel — S = Q·Kᵀ over headDim, then O = P·V over
    // the keys — with a vectorised softmax between them. Each GEMM is a single FMA chain over its whole depth (masked
    // keys contribute exact zeros) and each row's softmax sums start at its own first visible key, so a query's result
    // does not depend on how the queries were split into blocks.

    @Override
    public void attention(FloatMatrix q, FloatMatrix k, FloatMatrix v, AttentionSpec spec, FloatMatrix out, int head, int t0, int t1) {
        if (q.rows() < MR) attentionByRows(q, k, v, spec, out, head, t0, t1);
        else attentionBlock(q, k, v, spec, out, head, t0, t1);
    }

    private static void attentionBlock(FloatMatrix q, FloatMatrix k, FloatMatrix v, AttentionSpec spec, FloatMatrix out, int head, int t0, int t1) {
        int d = spec.headDim(), kvHead = head / (spec.heads() / spec.kvHeads()), pos0 = spec.pos0();
        int first = ScalarKernels.firstVisibleKey(pos0 + t0, spec.slidingWindow()), last = pos0 + t1 - 1;
        int nk = last - first + 1, nkPad = ceilDiv(nk, PW) * PW, dPanels = ceilDiv(d, PW);
        MemorySegment qs = q.segment(), ks = k.segment(), vs = v.segment(), os = out.segment();
        float slope = spec.alibiSlopes() == null ? 0f : spec.alibiSlopes()[head];

        // The keys of all these queries, packed once: K transposed into panels of PW keys, [panel][d][PW], and V in
        // panels of PW columns, [panel][key][PW]. Each key's head slice sits in a different row (often a different
        // page) of k and v, so gathering them once per task rather than per query block matters.
        float[] kPanels = scratch(KEYS, nkPad * d);
        for (int j = 0; j < nk; j++) {
            long src = (long) (first + j) * k.cols() + (long) kvHead * d;
            int dst = j / PW * PW * d + j % PW;
            for (int i = 0; i < d; i++) kPanels[dst + i * PW] = ks.getAtIndex(F32, src + i);
        }
        float[] vPanels = scratch(VALUES, dPanels * nkPad * PW);
        for (int panel = 0; panel < dPanels; panel++) {
            int width = Math.min(PW, d - panel * PW);
            for (int j = 0; j < nk; j++) {
                long src = ((long) (first + j) * v.cols() + (long) kvHead * d + (long) panel * PW) * Float.BYTES;
                MemorySegment.copy(vs, F32, src, vPanels, (panel * nkPad + j) * PW, width);
            }
            // Keys past the last get probability 0, and 0·junk could be NaN: zero them.
            Arrays.fill(vPanels, (panel * nkPad + nk) * PW, (panel + 1) * nkPad * PW, 0f);
        }

        float[] qBlock = scratch(QUERIES, ATTENTION_BLOCK * d);
        float[] s = scratch(SCORES, ATTENTION_BLOCK * nkPad);
        float[] tile = scratch(TILE, MR * PW);
        float[] inv = new float[ATTENTION_BLOCK];
        for (int b0 = t0; b0 < t1; b0 += ATTENTION_BLOCK) {
            int b1 = Math.min(t1, b0 + ATTENTION_BLOCK), rows = b1 - b0, rowsPad = ceilDiv(rows, MR) * MR;
            // This block's keys, whole panels: [keyBase, keyBase + width)
            int panelFrom = (ScalarKernels.firstVisibleKey(pos0 + b0, spec.slidingWindow()) - first) / PW;
            int panelTo = ceilDiv(pos0 + b1 - first, PW), width = (panelTo - panelFrom) * PW, keyBase = first + panelFrom * PW;

            for (int t = b0; t < b1; t++) MemorySegment.copy(qs, F32, ((long) t * q.cols() + (long) head * d) * Float.BYTES, qBlock, (t - b0) * d, d);
            // S = Q·Kᵀ, [rowsPad][width]; rows past b1 hold junk that is never read
            for (int panel = panelFrom; panel < panelTo; panel++)
                for (int i = 0; i < rowsPad; i += MR)
                    kernel(qBlock, i * d, kPanels, panel * PW * d, d, s, i * width + (panel - panelFrom) * PW, width);
            // P = softmax over each row's visible keys, in place, zeros elsewhere
            for (int t = b0; t < b1; t++) {
                int pos = pos0 + t, lo = ScalarKernels.firstVisibleKey(pos, spec.slidingWindow());
                int row = (t - b0) * width, a = lo - keyBase, z = pos - keyBase;
                inv[t - b0] = 1f / softmaxRow(s, row + a, z - a + 1, lo, spec.scale(), slope);
                Arrays.fill(s, row, row + a, 0f);
                Arrays.fill(s, row + z + 1, row + width, 0f);
            }
            // O = P·V over the block's keys, scaled by 1/Σ per row
            for (int panel = 0; panel < dPanels; panel++) {
                int cols = Math.min(PW, d - panel * PW);
                for (int i = 0; i < rowsPad; i += MR) {
                    kernel(s, i * width, vPanels, (panel * nkPad + panelFrom * PW) * PW, width, tile, 0, PW);
                    for (int r = 0; r < Math.min(MR, rows - i); r++) {
                        long o = ((long) (b0 + i + r) * out.cols() + (long) head * d + (long) panel * PW) * Float.BYTES;
                        FloatVector scale = FloatVector.broadcast(F, inv[i + r]);
                        int c = 0;
                        for (; c + V <= cols; c += V)
                            FloatVector.fromArray(F, tile, r * PW + c).mul(scale).intoMemorySegment(os, o + (long) c * Float.BYTES, NATIVE);
                        for (; c < cols; c++) os.set(F32, o + (long) c * Float.BYTES, tile[r * PW + c] * inv[i + r]);
                    }
                }
            }
        }
    }

    /**
     * Scores s[from..from+n) of keys at positions key0, key0+1, …: scaled, ALiBi added, then e^(score − max) in place.
     * Returns their sum. The lanes' partial sums start at key0, the row's first visible key, whatever the block.
     */
    private static float softmaxRow(float[] s, int from, int n, int key0, float scale, float slope) {
        FloatVector sv = FloatVector.broadcast(F, scale), mv = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        FloatVector lanes = FloatVector.zero(F).addIndex(1);
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += V) {
            FloatVector x = FloatVector.fromArray(F, s, from + i).mul(sv);
            if (slope != 0f) x = x.add(lanes.add((float) (key0 + i)).mul(slope));
            x.intoArray(s, from + i);
            mv = mv.max(x);
        }
        float max = mv.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            float x = s[from + i] * scale + slope * (key0 + i);
            s[from + i] = x;
            max = Math.max(max, x);
        }
        return expShifted(s, from, n, max);
    }

    private static void attentionByRows(FloatMatrix q, FloatMatrix k, FloatMatrix v, AttentionSpec spec, FloatMatrix out, int head, int t0, int t1) {
        int d = spec.headDim();
        int kvHead = head / (spec.heads() / spec.kvHeads());
        float slope = spec.alibiSlopes() == null ? 0f : spec.alibiSlopes()[head];
        MemorySegment qs = q.segment(), ks = k.segment(), vs = v.segment(), os = out.segment();
        long kStride = (long) k.cols() * Float.BYTES, vStride = (long) v.cols() * Float.BYTES;
        long kvCol = (long) kvHead * d * Float.BYTES;
        float[] p = new float[spec.pos0() + t1];
        for (int t = t0; t < t1; t++) {
            int pos = spec.pos0() + t;
            int lo = ScalarKernels.firstVisibleKey(pos, spec.slidingWindow());
            int count = pos - lo + 1;
            long qRow = ((long) t * q.cols() + (long) head * d) * Float.BYTES;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = lo; j <= pos; j++) {
                float s = dot(qs, qRow, ks, j * kStride + kvCol, d) * spec.scale() + slope * j;
                p[j - lo] = s;
                max = Math.max(max, s);
            }
            float sum = expShifted(p, 0, count, max);
            long oRow = ((long) t * out.cols() + (long) head * d) * Float.BYTES;
            weightedRows(p, count, vs, lo * vStride + kvCol, vStride, d, 1f / sum, os, oRow);
        }
    }

    /** p[from + i] = e^(p[from + i] − max) for i &lt; n; returns their sum. */
    private static float expShifted(float[] p, int from, int n, float max) {
        FloatVector m = FloatVector.broadcast(F, max), acc = FloatVector.zero(F);
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += V) {
            FloatVector e = FloatVector.fromArray(F, p, from + i).sub(m).lanewise(VectorOperators.EXP);
            e.intoArray(p, from + i);
            acc = acc.add(e);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            p[from + i] = (float) Math.exp(p[from + i] - max);
            sum += p[from + i];
        }
        return sum;
    }

    /** out[0..d) = scale · Σ_j p[j]·row_j, rows of d floats at vOff + j·vStride. */
    private static void weightedRows(float[] p, int n, MemorySegment vs, long vOff, long vStride, int d, float scale,
                                     MemorySegment os, long oOff) {
        int bound = F.loopBound(d);
        int i = 0;
        for (; i < bound; i += V) {
            long col = vOff + (long) i * Float.BYTES;
            FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                long row = col + j * vStride;
                a0 = FloatVector.broadcast(F, p[j]).fma(FloatVector.fromMemorySegment(F, vs, row, NATIVE), a0);
                a1 = FloatVector.broadcast(F, p[j + 1]).fma(FloatVector.fromMemorySegment(F, vs, row + vStride, NATIVE), a1);
                a2 = FloatVector.broadcast(F, p[j + 2]).fma(FloatVector.fromMemorySegment(F, vs, row + 2 * vStride, NATIVE), a2);
                a3 = FloatVector.broadcast(F, p[j + 3]).fma(FloatVector.fromMemorySegment(F, vs, row + 3 * vStride, NATIVE), a3);
            }
            for (; j < n; j++) a0 = FloatVector.broadcast(F, p[j]).fma(FloatVector.fromMemorySegment(F, vs, col + j * vStride, NATIVE), a0);
            a0.add(a1).add(a2.add(a3)).mul(scale).intoMemorySegment(os, oOff + (long) i * Float.BYTES, NATIVE);
        }
        for (; i < d; i++) {
            long col = vOff + (long) i * Float.BYTES;
            float acc = 0f;
            for (int j = 0; j < n; j++) acc += p[j] * vs.get(F32, col + j * vStride);
            os.set(F32, oOff + (long) i * Float.BYTES, acc * scale);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Element-wise.

    @Override
    public void activate(Activation act, MemorySegment x, long from, long to) {
        // if/else rather than a switch: an enum switch compiles to a synthetic nested class, which hidden copies would share.
        if (act == Activation.GELU) {
            gelu(x, from, to);
            return;
        }
        int n = Math.toIntExact(to - from), bound = F.loopBound(n);
        long base = from * Float.BYTES;
        int i = 0;
        for (; i < bound; i += V) {
            long o = base + (long) i * Float.BYTES;
            FloatVector v = FloatVector.fromMemorySegment(F, x, o, NATIVE);
            FloatVector r;
            if (act == Activation.RELU) {
                r = v.max(0f);
            } else if (act == Activation.SILU) {
                r = v.div(v.neg().lanewise(VectorOperators.EXP).add(1f));
            } else {
                // GELU_TANH as x·σ(2u), u = √(2/π)·(x + 0.044715·x³): ScalarKernels.activate's float steps, lane-wise.
                FloatVector u = v.mul(0.044715f).mul(v).mul(v).add(v);
                r = v.div(u.mul(-2 * ScalarKernels.GELU_TANH_C).lanewise(VectorOperators.EXP).add(1f));
            }
            r.intoMemorySegment(x, o, NATIVE);
        }
        for (long e = from + i; e < to; e++) x.setAtIndex(F32, e, ScalarKernels.activate(act, x.getAtIndex(F32, e)));
    }

    /** The exact GELU in double lanes: {@link Erf#gelu}'s three intervals, each evaluated for all lanes and blended. */
    private static void gelu(MemorySegment x, long from, long to) {
        int n = Math.toIntExact(to - from), half = FH.length(), bound = FH.loopBound(n);
        long base = from * Float.BYTES;
        int i = 0;
        for (; i < bound; i += half) {
            long o = base + (long) i * Float.BYTES;
            DoubleVector g = gelu(widen(x, o));
            ((FloatVector) g.convertShape(VectorOperators.D2F, FH, 0)).intoMemorySegment(x, o, NATIVE);
        }
        for (long e = from + i; e < to; e++) x.setAtIndex(F32, e, (float) Erf.gelu(x.getAtIndex(F32, e)));
    }

    private static DoubleVector gelu(DoubleVector x) {
        DoubleVector t = x.mul(Erf.ONE_OVER_SQRT_2);
        DoubleVector y = t.abs();
        DoubleVector ysq = y.mul(y);
        // |t| ≤ 0.46875: Φ = 1/2 + t·A(t²)/B(t²)/2
        DoubleVector num = ysq.fma(Erf.A4, Erf.A0).fma(ysq, DoubleVector.broadcast(D, Erf.A1))
                .fma(ysq, DoubleVector.broadcast(D, Erf.A2)).fma(ysq, DoubleVector.broadcast(D, Erf.A3));
        DoubleVector den = ysq.add(Erf.B0).fma(ysq, DoubleVector.broadcast(D, Erf.B1))
                .fma(ysq, DoubleVector.broadcast(D, Erf.B2)).fma(ysq, DoubleVector.broadcast(D, Erf.B3));
        DoubleVector nearZero = t.mul(num.div(den)).fma(0.5, 0.5);
        // beyond: erfc(|t|) = e^(−t²)·R(|t|); the tail interval only when some lane reaches it
        DoubleVector scaled = scaledErfcMiddle(y);
        VectorMask<Double> far = y.compare(VectorOperators.GT, Erf.THRESHOLD_2);
        if (far.anyTrue()) scaled = scaled.blend(scaledErfcTail(y), far);
        DoubleVector halfErfc = ysq.neg().lanewise(VectorOperators.EXP).mul(scaled).mul(0.5);
        DoubleVector phi = halfErfc.neg().add(1).blend(halfErfc, x.compare(VectorOperators.LT, 0));
        phi = phi.blend(nearZero, y.compare(VectorOperators.LE, Erf.THRESHOLD_1));
        return x.mul(phi);
    }

    private static DoubleVector scaledErfcMiddle(DoubleVector y) {
        DoubleVector num = y.fma(Erf.C8, Erf.C0);
        num = num.fma(y, DoubleVector.broadcast(D, Erf.C1)).fma(y, DoubleVector.broadcast(D, Erf.C2))
                .fma(y, DoubleVector.broadcast(D, Erf.C3)).fma(y, DoubleVector.broadcast(D, Erf.C4))
                .fma(y, DoubleVector.broadcast(D, Erf.C5)).fma(y, DoubleVector.broadcast(D, Erf.C6))
                .fma(y, DoubleVector.broadcast(D, Erf.C7));
        DoubleVector den = y.add(Erf.D0);
        den = den.fma(y, DoubleVector.broadcast(D, Erf.D1)).fma(y, DoubleVector.broadcast(D, Erf.D2))
                .fma(y, DoubleVector.broadcast(D, Erf.D3)).fma(y, DoubleVector.broadcast(D, Erf.D4))
                .fma(y, DoubleVector.broadcast(D, Erf.D5)).fma(y, DoubleVector.broadcast(D, Erf.D6))
                .fma(y, DoubleVector.broadcast(D, Erf.D7));
        return num.div(den);
    }

    private static DoubleVector scaledErfcTail(DoubleVector y) {
        DoubleVector z = DoubleVector.broadcast(D, 1).div(y.mul(y));
        DoubleVector num = z.fma(Erf.P5, Erf.P0).fma(z, DoubleVector.broadcast(D, Erf.P1)).fma(z, DoubleVector.broadcast(D, Erf.P2))
                .fma(z, DoubleVector.broadcast(D, Erf.P3)).fma(z, DoubleVector.broadcast(D, Erf.P4));
        DoubleVector den = z.add(Erf.Q0).fma(z, DoubleVector.broadcast(D, Erf.Q1)).fma(z, DoubleVector.broadcast(D, Erf.Q2))
                .fma(z, DoubleVector.broadcast(D, Erf.Q3)).fma(z, DoubleVector.broadcast(D, Erf.Q4));
        return z.mul(num.div(den)).neg().add(Erf.ONE_OVER_SQRT_PI).div(y);
    }

    @Override
    public void multiply(MemorySegment a, MemorySegment b, long from, long to) {
        int n = Math.toIntExact(to - from), bound = F.loopBound(n);
        long base = from * Float.BYTES;
        int i = 0;
        for (; i < bound; i += V) {
            long o = base + (long) i * Float.BYTES;
            FloatVector.fromMemorySegment(F, a, o, NATIVE).mul(FloatVector.fromMemorySegment(F, b, o, NATIVE)).intoMemorySegment(a, o, NATIVE);
        }
        for (long e = from + i; e < to; e++) a.setAtIndex(F32, e, a.getAtIndex(F32, e) * b.getAtIndex(F32, e));
    }

    @Override
    public void add(MemorySegment a, MemorySegment b, long from, long to) {
        int n = Math.toIntExact(to - from), bound = F.loopBound(n);
        long base = from * Float.BYTES;
        int i = 0;
        for (; i < bound; i += V) {
            long o = base + (long) i * Float.BYTES;
            FloatVector.fromMemorySegment(F, a, o, NATIVE).add(FloatVector.fromMemorySegment(F, b, o, NATIVE)).intoMemorySegment(a, o, NATIVE);
        }
        for (long e = from + i; e < to; e++) a.setAtIndex(F32, e, a.getAtIndex(F32, e) + b.getAtIndex(F32, e));
    }

    @Override
    public void crossEntropy(FloatMatrix logits, int[] targets, double[] nll, int r0, int r1) {
        int vocab = logits.cols(), half = FH.length();
        MemorySegment ls = logits.segment();
        for (int t = r0; t < r1; t++) {
            long row = (long) t * vocab * Float.BYTES;
            int bound = F.loopBound(vocab);
            FloatVector mv = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
            int i = 0;
            for (; i < bound; i += V) mv = mv.max(FloatVector.fromMemorySegment(F, ls, row + (long) i * Float.BYTES, NATIVE));
            float max = mv.reduceLanes(VectorOperators.MAX);
            for (; i < vocab; i++) max = Math.max(max, ls.get(F32, row + (long) i * Float.BYTES));
            // log-sum-exp in double: the shift and the exponentials in double lanes, the sum in two double accumulators
            DoubleVector m = DoubleVector.broadcast(D, max), s0 = DoubleVector.zero(D), s1 = DoubleVector.zero(D);
            bound = FH.loopBound(vocab);
            i = 0;
            for (; i + 2 * half <= bound; i += 2 * half) {
                s0 = s0.add(widen(ls, row + (long) i * Float.BYTES).sub(m).lanewise(VectorOperators.EXP));
                s1 = s1.add(widen(ls, row + (long) (i + half) * Float.BYTES).sub(m).lanewise(VectorOperators.EXP));
            }
            for (; i < bound; i += half) s0 = s0.add(widen(ls, row + (long) i * Float.BYTES).sub(m).lanewise(VectorOperators.EXP));
            double sum = s0.add(s1).reduceLanes(VectorOperators.ADD);
            for (; i < vocab; i++) sum += Math.exp((double) ls.get(F32, row + (long) i * Float.BYTES) - max);
            nll[t] = max + Math.log(sum) - ls.getAtIndex(F32, (long) t * vocab + targets[t]);
        }
    }

    /** This thread's scratch array for {@code purpose}, at least n floats long, with unspecified contents. */
    private static float[] scratch(int purpose, int n) {
        float[][] arrays = SCRATCH.get();
        if (arrays == null) SCRATCH.set(arrays = new float[SCORES + 1][]);
        if (arrays[purpose] == null || arrays[purpose].length < n) arrays[purpose] = new float[n];
        return arrays[purpose];
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
