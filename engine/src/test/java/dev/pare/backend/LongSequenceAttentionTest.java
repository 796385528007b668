package dev.pare.backend;

import dev.pare.tensor.FloatMatrix;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Attention on long sequences (blocked vector path) against the scalar kernels: GQA, sliding window, ALiBi, a cache offset. */
class LongSequenceAttentionTest {
    @Test
    void longSequenceAttentionMatchesTheScalarPath() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        try (Arena arena = Arena.ofShared(); CpuBackend vector = new CpuBackend(); CpuBackend scalar = CpuBackend.withVectorBits(0)) {
            // (heads, kvHeads, headDim, pos0, T, window, alibi)
            int[][] cases = {{4, 4, 64, 0, 130, 0, 0}, {6, 2, 24, 37, 70, 0, 0}, {4, 1, 16, 0, 99, 33, 0}, {5, 5, 20, 10, 81, 0, 1}, {8, 4, 32, 150, 1, 0, 0}};
            for (int[] c : cases) {
                int heads = c[0], kvHeads = c[1], d = c[2], pos0 = c[3], t = c[4];
                float[] slopes = null;
                if (c[6] == 1) {
                    slopes = new float[heads];
                    for (int h = 0; h < heads; h++) slopes[h] = (float) Math.pow(2, -(h + 1));
                }
                AttentionSpec spec = new AttentionSpec(heads, kvHeads, d, pos0, (float) (1 / Math.sqrt(d)), c[5], slopes);
                FloatMatrix q = random(arena, rnd, t, heads * d), k = random(arena, rnd, pos0 + t, kvHeads * d), v = random(arena, rnd, pos0 + t, kvHeads * d);
                FloatMatrix expected = FloatMatrix.allocate(arena, t, heads * d), got = FloatMatrix.allocate(arena, t, heads * d);
                scalar.attention(q, k, v, spec, expected);
                vector.attention(q, k, v, spec, got);
                double num = 0, den = 0;
                for (int r = 0; r < t; r++)
                    for (int j = 0; j < heads * d; j++) {
                        double e = expected.get(r, j), diff = got.get(r, j) - e;
                        num += diff * diff;
                        den += e * e;
                    }
                double rel = Math.sqrt(num / den);
                assertTrue(rel < 1e-5, "seed " + seed + " case " + java.util.Arrays.toString(c) + ": relative error " + rel);
            }
        }
    }

    private static FloatMatrix random(Arena arena, Random rnd, int rows, int cols) {
        FloatMatrix m = FloatMatrix.allocate(arena, rows, cols);
        for (long i = 0; i < m.size(); i++) m.segment().setAtIndex(FloatMatrix.F32, i, (float) rnd.nextGaussian());
        return m;
    }
}
