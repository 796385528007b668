package dev.pare.compress;

import dev.pare.tensor.FloatMatrix;

import java.util.Arrays;

/** A per-weight importance score, and the three ways the one-shot pruners turn scores into a mask. */
@FunctionalInterface
interface Saliency {
    float of(int row, int col);

    /** Zeroes every weight whose score is ≤ the ⌊n·s⌋-th smallest score of the whole matrix (ties included, as the reference). */
    static void pruneBelowGlobalThreshold(FloatMatrix w, Saliency s, double sparsity) {
        float[] all = new float[Math.toIntExact(w.size())];
        for (int r = 0, k = 0; r < w.rows(); r++)
            for (int c = 0; c < w.cols(); c++) all[k++] = s.of(r, c);
        float[] sorted = all.clone();
        Arrays.sort(sorted);
        float thresh = sorted[Math.min(sorted.length - 1, (int) (all.length * sparsity))];
        for (int r = 0, k = 0; r < w.rows(); r++)
            for (int c = 0; c < w.cols(); c++, k++) if (all[k] <= thresh) w.set(r, c, 0);
    }

    /** Zeroes the ⌊cols·s⌋ lowest-scoring weights of every row (stable order on ties). */
    static void prunePerRow(FloatMatrix w, Saliency s, double sparsity) {
        int cols = w.cols(), k = (int) (cols * sparsity);
        Integer[] idx = new Integer[cols];
        float[] score = new float[cols];
        for (int r = 0; r < w.rows(); r++) {
            for (int c = 0; c < cols; c++) {
                idx[c] = c;
                score[c] = s.of(r, c);
            }
            Arrays.sort(idx, (a, b) -> Float.compare(score[a], score[b]));
            for (int i = 0; i < k; i++) w.set(r, idx[i], 0);
        }
    }

    /** Zeroes the N lowest-scoring weights in every group of M consecutive columns of each row. */
    static void pruneNofM(FloatMatrix w, Saliency s, NmPattern nm) {
        int m = nm.m();
        Integer[] idx = new Integer[m];
        float[] score = new float[m];
        for (int r = 0; r < w.rows(); r++)
            for (int c0 = 0; c0 + m <= w.cols(); c0 += m) {
                for (int j = 0; j < m; j++) {
                    idx[j] = j;
                    score[j] = s.of(r, c0 + j);
                }
                Arrays.sort(idx, (a, b) -> Float.compare(score[a], score[b]));
                for (int j = 0; j < nm.n(); j++) w.set(r, c0 + idx[j], 0);
            }
    }
}
