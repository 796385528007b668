package dev.pare.compress;

import dev.pare.tensor.FloatMatrix;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The pruners' selections against a plain oracle (a stable sort of (score, column) per row, a full sort for the global
 * threshold) on fresh random weights with many exact ties (scores drawn from a few values).
 */
class SaliencyTest {
    private final long seed = System.nanoTime();
    private final SplittableRandom random = new SplittableRandom(seed);

    private FloatMatrix weights(Arena arena, int rows, int cols) {
        FloatMatrix w = FloatMatrix.allocate(arena, rows, cols);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) w.set(r, c, (random.nextInt(9) - 4) * 0.25f); // 9 values: ties everywhere
        return w;
    }

    @Test
    void perRowSelectionIsTheStableSortOfEachRow() {
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix w = weights(arena, 37, 129), expected = w.copy(arena);
            float[] norm = new float[129];
            for (int c = 0; c < norm.length; c++) norm[c] = 1 + random.nextInt(3);
            Saliency score = (r, c) -> Math.abs(w.get(r, c)) * norm[c];
            int k = (int) (129 * 0.7);
            for (int r = 0; r < 37; r++) {
                int row = r;
                Integer[] idx = new Integer[129];
                for (int c = 0; c < 129; c++) idx[c] = c;
                Arrays.sort(idx, Comparator.comparingDouble(c -> Math.abs(expected.get(row, c)) * norm[c])); // stable
                for (int i = 0; i < k; i++) expected.set(r, idx[i], 0);
            }
            Saliency.prunePerRow(w, score, 0.7);
            assertSame(expected, w, "per row");
        }
    }

    @Test
    void nOfMKeepsTheLargestInEveryGroupLowerColumnFirstOnTies() {
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix w = weights(arena, 19, 64), expected = w.copy(arena);
            for (int r = 0; r < 19; r++)
                for (int c0 = 0; c0 < 64; c0 += 4) {
                    int row = r, base = c0;
                    Integer[] idx = {0, 1, 2, 3};
                    Arrays.sort(idx, Comparator.comparingDouble(j -> Math.abs(expected.get(row, base + j))));
                    for (int j = 0; j < 2; j++) expected.set(r, c0 + idx[j], 0);
                }
            Saliency.pruneNofM(w, (r, c) -> Math.abs(w.get(r, c)), new NmPattern(2, 4));
            assertSame(expected, w, "2:4");
        }
    }

    @Test
    void globalThresholdPrunesEveryScoreAtOrBelowTheKthSmallest() {
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix w = weights(arena, 23, 50), expected = w.copy(arena);
            float[] all = new float[23 * 50];
            for (int i = 0; i < all.length; i++) all[i] = Math.abs(expected.get(i / 50, i % 50));
            float[] sorted = all.clone();
            Arrays.sort(sorted);
            float thresh = sorted[(int) (all.length * 0.5)];
            for (int i = 0; i < all.length; i++) if (all[i] <= thresh) expected.set(i / 50, i % 50, 0);
            Saliency.pruneBelowGlobalThreshold(w, (r, c) -> Math.abs(w.get(r, c)), 0.5);
            assertSame(expected, w, "global threshold");
        }
    }

    private void assertSame(FloatMatrix expected, FloatMatrix actual, String what) {
        for (int r = 0; r < expected.rows(); r++)
            for (int c = 0; c < expected.cols(); c++)
                assertEquals(expected.get(r, c), actual.get(r, c), 0f, what + " at (" + r + "," + c + "), seed " + seed);
    }
}
