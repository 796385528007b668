package dev.pare.compress;

import dev.pare.tensor.FloatMatrix;
import dev.pare.util.Chunks;

import java.util.Arrays;

/** A per-weight importance score, and the three ways the one-shot pruners turn scores into a mask. */
@FunctionalInterface
interface Saliency {
    float of(int row, int col);

    /** Zeroes every weight whose score is ≤ the ⌊n·s⌋-th smallest score of the whole matrix (ties included, as the reference). */
    static void pruneBelowGlobalThreshold(FloatMatrix w, Saliency s, double sparsity) {
        int rows = w.rows(), cols = w.cols();
        float[] all = new float[Math.toIntExact(w.size())];
        Chunks.forEach(rows, 64, (r0, r1) -> {
            for (int r = (int) r0; r < r1; r++)
                for (int c = 0; c < cols; c++) all[r * cols + c] = s.of(r, c);
        }, w.segment());
        float[] sorted = all.clone();
        Arrays.parallelSort(sorted);
        float thresh = sorted[Math.min(sorted.length - 1, (int) (all.length * sparsity))];
        Chunks.forEach(rows, 64, (r0, r1) -> {
            for (int r = (int) r0; r < r1; r++)
                for (int c = 0; c < cols; c++) if (all[r * cols + c] <= thresh) w.set(r, c, 0);
        }, w.segment());
    }

    /** Zeroes the ⌊cols·s⌋ lowest-scoring weights of every row (stable order on ties); rows in parallel chunks. */
    static void prunePerRow(FloatMatrix w, Saliency s, double sparsity) {
        int cols = w.cols(), k = (int) (cols * sparsity);
        if (k == 0) return;
        Chunks.forEach(w.rows(), 16, (r0, r1) -> {
            long[] keys = new long[cols];
            for (int r = (int) r0; r < r1; r++) {
                // Scores are read before any weight of the row is zeroed.
                for (int c = 0; c < cols; c++) keys[c] = key(s.of(r, c), c);
                Arrays.sort(keys);
                for (int i = 0; i < k; i++) w.set(r, (int) keys[i], 0);
            }
        }, w.segment());
    }

    /**
     * A sort key whose order is (score, column): the score's bits made monotone as a signed int in the high half,
     * the column in the low half — so a primitive sort is stable on ties, as the reference's torch.sort(stable=True).
     */
    private static long key(float score, int column) {
        int bits = Float.floatToIntBits(score);
        bits ^= (bits >> 31) & 0x7fffffff;
        return (long) bits << 32 | column;
    }

    /** Zeroes the N lowest-scoring weights in every group of M consecutive columns of each row (lower column first on ties). */
    static void pruneNofM(FloatMatrix w, Saliency s, NmPattern nm) {
        int m = nm.m();
        Chunks.forEach(w.rows(), 16, (r0, r1) -> {
            long[] keys = new long[m];
            for (int r = (int) r0; r < r1; r++)
                for (int c0 = 0; c0 + m <= w.cols(); c0 += m) {
                    for (int j = 0; j < m; j++) keys[j] = key(s.of(r, c0 + j), j);
                    Arrays.sort(keys);
                    for (int j = 0; j < nm.n(); j++) w.set(r, c0 + (int) keys[j], 0);
                }
        }, w.segment());
    }
}
