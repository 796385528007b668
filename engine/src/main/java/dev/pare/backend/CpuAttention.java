package dev.pare.backend;

import dev.pare.tensor.FloatMatrix;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Causal attention on the CPU shaped for SIMD: keys are transposed once per key/value head so that the scores of a
 * query row are axpys over contiguous keys (no horizontal reduction per key), and {@link #ROWS} query rows are processed
 * together so that each key or value vector loaded feeds that many FMAs. Per (head, block of query rows) task:
 * S = q·Kᵀ·scale (+ ALiBi), masked to the causal (and sliding) window, softmax, then O = P·V.
 */
final class CpuAttention {
    /** Query rows sharing each load: 4 score and 4×(headDim/lanes) output accumulators stay in registers. */
    static final int ROWS = 4;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private final VectorSpecies<Float> species;

    CpuAttention(VectorSpecies<Float> species) {
        this.species = species;
    }

    /** Kᵀ of key/value head {@code kvHead}: [headDim × keys]. */
    float[] transposeKeys(FloatMatrix k, int kvHead, int headDim) {
        int keys = k.rows();
        float[] kt = new float[headDim * keys];
        for (int j = 0; j < keys; j++)
            for (int i = 0; i < headDim; i++) kt[i * keys + j] = k.get(j, kvHead * headDim + i);
        return kt;
    }

    /** Output rows [t0, t1) of query head {@code head}, given Kᵀ of its key/value head. */
    void attend(FloatMatrix q, float[] kt, FloatMatrix v, AttentionSpec spec, FloatMatrix out, int head, int t0, int t1) {
        int d = spec.headDim(), keys = kt.length / d, kvHead = head / (spec.heads() / spec.kvHeads());
        float slope = spec.alibiSlopes() == null ? 0f : spec.alibiSlopes()[head];
        float[][] p = new float[ROWS][keys];
        float[] qrow = new float[ROWS * d];
        for (int r0 = t0; r0 < t1; r0 += ROWS) {
            int rows = Math.min(ROWS, t1 - r0);
            for (int r = 0; r < rows; r++)
                for (int i = 0; i < d; i++) qrow[r * d + i] = q.get(r0 + r, head * d + i) * spec.scale();
            int lastKey = spec.pos0() + r0 + rows - 1;
            int firstKey = firstVisible(spec.pos0() + r0, spec.slidingWindow());
            scores(qrow, rows, d, kt, keys, firstKey, lastKey + 1, p);
            float[] inverseSum = new float[rows];
            for (int r = 0; r < rows; r++) {
                int pos = spec.pos0() + r0 + r, lo = firstVisible(pos, spec.slidingWindow());
                inverseSum[r] = 1f / softmaxInPlace(p[r], lo, pos + 1, firstKey, lastKey + 1, slope);
            }
            weightedValues(p, rows, inverseSum, v, kvHead * d, d, firstKey, lastKey + 1, out, r0, head * d);
        }
    }

    static int firstVisible(int pos, int window) {
        return window > 0 ? Math.max(0, pos - window + 1) : 0;
    }

    /** p[r][j] = Σ_i qrow[r·d + i]·Kᵀ[i][j] for j in [from, to): ROWS accumulators per vector of keys. */
    private void scores(float[] qrow, int rows, int d, float[] kt, int keys, int from, int to, float[][] p) {
        int lanes = species.length();
        int j = from;
        for (; j + lanes <= to; j += lanes) {
            FloatVector a0 = FloatVector.zero(species), a1 = a0, a2 = a0, a3 = a0;
            for (int i = 0; i < d; i++) {
                FloatVector kv = FloatVector.fromArray(species, kt, i * keys + j);
                a0 = kv.fma(FloatVector.broadcast(species, qrow[i]), a0);
                if (rows > 1) a1 = kv.fma(FloatVector.broadcast(species, qrow[d + i]), a1);
                if (rows > 2) a2 = kv.fma(FloatVector.broadcast(species, qrow[2 * d + i]), a2);
                if (rows > 3) a3 = kv.fma(FloatVector.broadcast(species, qrow[3 * d + i]), a3);
            }
            a0.intoArray(p[0], j);
            if (rows > 1) a1.intoArray(p[1], j);
            if (rows > 2) a2.intoArray(p[2], j);
            if (rows > 3) a3.intoArray(p[3], j);
        }
        for (; j < to; j++)
            for (int r = 0; r < rows; r++) {
                float s = 0;
                for (int i = 0; i < d; i++) s += qrow[r * d + i] * kt[i * keys + j];
                p[r][j] = s;
            }
    }

    /**
     * Turns scores [from, to) into unnormalised probabilities e^(s − max) over the visible keys [lo, hi) (0 elsewhere),
     * adding ALiBi's slope·key; returns their sum.
     */
    private float softmaxInPlace(float[] p, int lo, int hi, int from, int to, float slope) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = lo; j < hi; j++) {
            if (slope != 0) p[j] += slope * j;
            max = Math.max(max, p[j]);
        }
        for (int j = from; j < lo; j++) p[j] = 0;
        for (int j = hi; j < to; j++) p[j] = 0;
        int lanes = species.length();
        FloatVector m = FloatVector.broadcast(species, max), acc = FloatVector.zero(species);
        int j = lo;
        for (; j + lanes <= hi; j += lanes) {
            FloatVector e = FloatVector.fromArray(species, p, j).sub(m).lanewise(VectorOperators.EXP);
            e.intoArray(p, j);
            acc = acc.add(e);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; j < hi; j++) {
            p[j] = (float) Math.exp(p[j] - max);
            sum += p[j];
        }
        return sum;
    }

    /** out[r0 + r][col … col+d) = inverseSum[r]·Σ_j p[r][j]·V[j][vCol … vCol+d), the key loop shared by the rows. */
    private void weightedValues(float[][] p, int rows, float[] inverseSum, FloatMatrix v, int vCol, int d, int from, int to,
                                FloatMatrix out, int r0, int col) {
        MemorySegment vs = v.segment(), os = out.segment();
        int lanes = species.length();
        int c = 0;
        for (; c + lanes <= d; c += lanes) {
            FloatVector a0 = FloatVector.zero(species), a1 = a0, a2 = a0, a3 = a0;
            for (int j = from; j < to; j++) {
                FloatVector vv = FloatVector.fromMemorySegment(species, vs, v.rowOffset(j) + (long) (vCol + c) * Float.BYTES, NATIVE);
                a0 = vv.fma(FloatVector.broadcast(species, p[0][j]), a0);
                if (rows > 1) a1 = vv.fma(FloatVector.broadcast(species, p[1][j]), a1);
                if (rows > 2) a2 = vv.fma(FloatVector.broadcast(species, p[2][j]), a2);
                if (rows > 3) a3 = vv.fma(FloatVector.broadcast(species, p[3][j]), a3);
            }
            FloatVector[] acc = {a0, a1, a2, a3};
            for (int r = 0; r < rows; r++)
                acc[r].mul(inverseSum[r]).intoMemorySegment(os, out.rowOffset(r0 + r) + (long) (col + c) * Float.BYTES, NATIVE);
        }
        for (; c < d; c++)
            for (int r = 0; r < rows; r++) {
                float s = 0;
                for (int j = from; j < to; j++) s += p[r][j] * v.get(j, vCol + c);
                out.set(r0 + r, col + c, s * inverseSum[r]);
            }
    }
}
