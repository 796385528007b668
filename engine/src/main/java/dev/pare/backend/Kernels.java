package dev.pare.backend;

import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.MemorySegment;

/**
 * The single-threaded inner loops of {@link CpuBackend}: each call works on a block (rows, columns, a head) that
 * CpuBackend hands to one worker, so the kernels know nothing of threads and the partition never changes what a kernel
 * computes for a given output element. Two implementations: {@link VectorKernels} (the Vector API, one species) and
 * {@link ScalarKernels} (plain Java; the fallback and the reference the vector path is tested against).
 */
interface Kernels {
    /**
     * linear sums k in blocks of this many products: each block is one FMA chain from 0, and the blocks' sums are added
     * in order. Every implementation and vector width uses the same blocks, so their results agree bit for bit.
     */
    int LINEAR_DEPTH_BLOCK = 512;

    /** "vector 256-bit (8 floats)" or "scalar", for logs and benchmark tables. */
    String describe();

    /** Column blocks given to {@link #linear} start at multiples of this (a packed panel's width). */
    int linearColumnAlign();

    /** Fewer rows than this and {@link #linearFewRows} is the better path (packing w would cost more than it saves). */
    int linearMinRows();

    /**
     * out[r0..r1) × [c0..c1) = x·wᵀ + bias for many rows: per output, FMA chains over {@link #LINEAR_DEPTH_BLOCK}
     * blocks of k, the blocks' sums added in order, then + bias — the same order in every implementation and width.
     */
    void linear(FloatMatrix x, FloatMatrix w, FloatMatrix bias, FloatMatrix out, int r0, int r1, int c0, int c1);

    /** Floats {@link #packWeights} fills for w's first m rows at depth kc (0 where this kernel set reads w as it is). */
    int packedWeightsLength(int m, int kc);

    /**
     * w's rows [c0, c1) (c0 a multiple of {@link #linearColumnAlign}) at depth [p0, p0 + kc), laid out for
     * {@link #linearPacked} in {@code packed} at c0's place: a call's tasks then share one packed copy of w instead of
     * each packing the rows it needs again.
     */
    void packWeights(FloatMatrix w, int c0, int c1, int p0, int kc, float[] packed);

    /**
     * One depth block of {@link #linear}, w as {@link #packWeights} left it: out = x·wᵀ over [p0, p0 + kc) for the
     * first block (p0 = 0), out + that for the others — the same sums in the same order as linear, without the bias.
     */
    void linearPacked(FloatMatrix x, FloatMatrix w, float[] packed, FloatMatrix out, int r0, int r1, int c0, int c1, int p0, int kc);

    /** out[r0..r1) × [c0..c1) += bias. */
    void addBias(FloatMatrix bias, FloatMatrix out, int r0, int r1, int c0, int c1);

    /** The same block for a handful of rows (token-by-token decoding): dot products along k, no packing. */
    void linearFewRows(FloatMatrix x, FloatMatrix w, FloatMatrix bias, FloatMatrix out, int r0, int r1, int c0, int c1);

    void rmsNorm(FloatMatrix x, FloatMatrix weight, float eps, FloatMatrix out, int r0, int r1);

    void layerNorm(FloatMatrix x, FloatMatrix weight, FloatMatrix bias, float eps, FloatMatrix out, int r0, int r1);

    /** Rows [r0, r1) of x rotated in place; invFreq[i] = θ^(−2i/headDim) for i &lt; headDim/2. */
    void rope(FloatMatrix x, int heads, int headDim, int pos0, double[] invFreq, int r0, int r1);

    /** Query rows [t0, t1) of query head {@code head}. */
    void attention(FloatMatrix q, FloatMatrix k, FloatMatrix v, AttentionSpec spec, FloatMatrix out, int head, int t0, int t1);

    /** Elements [from, to) of a flat F32 array. */
    void activate(Activation act, MemorySegment x, long from, long to);

    void multiply(MemorySegment a, MemorySegment b, long from, long to);

    void add(MemorySegment a, MemorySegment b, long from, long to);

    /** nll[t] for rows [r0, r1). */
    void crossEntropy(FloatMatrix logits, int[] targets, double[] nll, int r0, int r1);
}
