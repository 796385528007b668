package dev.pare.backend;

import dev.pare.tensor.FloatMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The pruners' selections on the CPU backend against a plain oracle (a stable sort of (score, column) per row or
 * group, a full sort for the global threshold) on fresh random weights with many exact ties (a few values only).
 */
class CpuPruningTest {
    private static CpuBackend backend;
    private final long seed = System.nanoTime();
    private final SplittableRandom random = new SplittableRandom(seed);

    @BeforeAll
    static void start() {
        backend = new CpuBackend();
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    /** Weights from 9 values and column scales from 3: ties everywhere. */
    static FloatMatrix tiedWeights(Arena arena, int rows, int cols, SplittableRandom random) {
        FloatMatrix w = FloatMatrix.allocate(arena, rows, cols);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) w.set(r, c, (random.nextInt(9) - 4) * 0.25f);
        return w;
    }

    static float[] tiedScales(int cols, SplittableRandom random) {
        float[] scale = new float[cols];
        for (int c = 0; c < cols; c++) scale[c] = 1 + random.nextInt(3);
        return scale;
    }

    private static float score(FloatMatrix w, float[] scale, int r, int c) {
        return scale == null ? Math.abs(w.get(r, c)) : Math.abs(w.get(r, c)) * scale[c];
    }

    @Test
    void perRowSelectionIsTheStableSortOfEachRow() {
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix w = tiedWeights(arena, 37, 129, random), expected = w.copy(arena);
            float[] scale = tiedScales(129, random);
            int k = (int) (129 * 0.7);
            for (int r = 0; r < 37; r++) {
                int row = r;
                Integer[] idx = new Integer[129];
                for (int c = 0; c < 129; c++) idx[c] = c;
                Arrays.sort(idx, Comparator.comparingDouble(c -> score(expected, scale, row, c))); // stable
                for (int i = 0; i < k; i++) expected.set(r, idx[i], 0);
            }
            backend.prunePerRow(w, scale, 0.7);
            assertSame(expected, w, "per row");
        }
    }

    @Test
    void nOfMKeepsTheLargestInEveryGroupLowerColumnFirstOnTies() {
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix w = tiedWeights(arena, 19, 64, random), expected = w.copy(arena);
            for (int r = 0; r < 19; r++)
                for (int c0 = 0; c0 < 64; c0 += 4) {
                    int row = r, base = c0;
                    Integer[] idx = {0, 1, 2, 3};
                    Arrays.sort(idx, Comparator.comparingDouble(j -> score(expected, null, row, base + j)));
                    for (int j = 0; j < 2; j++) expected.set(r, c0 + idx[j], 0);
                }
            backend.pruneNofM(w, null, 2, 4);
            assertSame(expected, w, "2:4");
        }
    }

    @Test
    void globalThresholdPrunesEveryScoreAtOrBelowTheKthSmallest() {
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix w = tiedWeights(arena, 23, 50, random), expected = w.copy(arena);
            float[] all = new float[23 * 50];
            for (int i = 0; i < all.length; i++) all[i] = score(expected, null, i / 50, i % 50);
            float[] sorted = all.clone();
            Arrays.sort(sorted);
            float thresh = sorted[(int) (all.length * 0.5)];
            for (int i = 0; i < all.length; i++) if (all[i] <= thresh) expected.set(i / 50, i % 50, 0);
            backend.pruneBelowGlobalThreshold(w, null, 0.5);
            assertSame(expected, w, "global threshold");
        }
    }

    @Test
    void badArgumentsAreRejected() {
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix w = tiedWeights(arena, 4, 8, random);
            assertThrows(IllegalArgumentException.class, () -> backend.prunePerRow(w, new float[7], 0.5));
            assertThrows(IllegalArgumentException.class, () -> backend.pruneBelowGlobalThreshold(w, null, 1.0));
        }
    }

    private void assertSame(FloatMatrix expected, FloatMatrix actual, String what) {
        for (int r = 0; r < expected.rows(); r++)
            for (int c = 0; c < expected.cols(); c++)
                assertEquals(expected.get(r, c), actual.get(r, c), 0f, what + " at (" + r + "," + c + "), seed " + seed);
    }
}
