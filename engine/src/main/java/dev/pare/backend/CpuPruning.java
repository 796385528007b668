package dev.pare.backend;

import dev.pare.tensor.FloatMatrix;
import dev.pare.util.Chunks;

import java.util.Arrays;

/**
 * The one-shot pruners' selections on the CPU (magnitude and Wanda): every weight scored |w_ij|·scale_j (scale null:
 * |w_ij|), and three ways to turn the scores into zeros. Rows run in parallel chunks; ties go to the lower column, the
 * order of the reference's stable sort.
 */
final class CpuPruning {
    private CpuPruning() {
    }

    private static float score(FloatMatrix w, float[] scale, int r, int c) {
        float a = Math.abs(w.get(r, c));
        return scale == null ? a : a * scale[c];
    }

    /** Zeroes every weight whose score is ≤ the ⌊n·s⌋-th smallest score of the whole matrix (ties included, as the reference). */
    static void belowGlobalThreshold(FloatMatrix w, float[] scale, double sparsity) {
        int rows = w.rows(), cols = w.cols();
        float[] all = new float[Math.toIntExact(w.size())];
        Chunks.forEach(rows, 64, (r0, r1) -> {
            for (int r = (int) r0; r < r1; r++)
                for (int c = 0; c < cols; c++) all[r * cols + c] = score(w, scale, r, c);
        }, w.segment());
        float[] sorted = all.clone();
        Arrays.parallelSort(sorted);
        float thresh = sorted[Math.min(sorted.length - 1, (int) (all.length * sparsity))];
        Chunks.forEach(rows, 64, (r0, r1) -> {
            for (int r = (int) r0; r < r1; r++)
                for (int c = 0; c < cols; c++) if (all[r * cols + c] <= thresh) w.set(r, c, 0);
        }, w.segment());
    }

    /** Zeroes the ⌊cols·s⌋ lowest-scoring weights of every row. */
    static void perRow(FloatMatrix w, float[] scale, double sparsity) {
        int cols = w.cols(), k = (int) (cols * sparsity);
        if (k == 0) return;
        Chunks.forEach(w.rows(), 16, (r0, r1) -> {
            long[] keys = new long[cols];
            for (int r = (int) r0; r < r1; r++) {
                // Scores are read before any weight of the row is zeroed.
                for (int c = 0; c < cols; c++) keys[c] = key(score(w, scale, r, c), c);
                Arrays.sort(keys);
                for (int i = 0; i < k; i++) w.set(r, (int) keys[i], 0);
            }
        }, w.segment());
    }

    /** Zeroes the n lowest-scoring weights in every group of m consecutive columns of each row. */
    static void nOfM(FloatMatrix w, float[] scale, int n, int m) {
        Chunks.forEach(w.rows(), 16, (r0, r1) -> {
            long[] keys = new long[m];
            for (int r = (int) r0; r < r1; r++)
                for (int c0 = 0; c0 + m <= w.cols(); c0 += m) {
                    for (int j = 0; j < m; j++) keys[j] = key(score(w, scale, r, c0 + j), j);
                    Arrays.sort(keys);
                    for (int j = 0; j < n; j++) w.set(r, c0 + (int) keys[j], 0);
                }
        }, w.segment());
    }

    /**
     * A sort key whose order is (score, column): the score's bits made monotone as a signed int in the high half, the
     * column in the low half — so a primitive sort is stable on ties, as the reference's torch.sort(stable=True).
     */
    private static long key(float score, int column) {
        int bits = Float.floatToIntBits(score);
        bits ^= (bits >> 31) & 0x7fffffff;
        return (long) bits << 32 | column;
    }
}
