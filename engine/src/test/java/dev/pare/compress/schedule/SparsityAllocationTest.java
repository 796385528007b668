package dev.pare.compress.schedule;

import dev.pare.compress.schedule.ScheduleSettings.Clustering;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparsityAllocationTest {

    @Test
    void meanSparsityEqualsTheTargetForRandomLayersAndLambdasWithinTheBounds() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        for (int trial = 0; trial < 500; trial++) {
            int n = 1 + rnd.nextInt(120), k = 1 + rnd.nextInt(8);
            long[] params = new long[n];
            double[] lambda = new double[n];
            for (int u = 0; u < n; u++) {
                params[u] = 1 + (long) Math.pow(10, 2 + 5 * rnd.nextDouble());
                lambda[u] = -5 + 5 * rnd.nextDouble();
            }
            double min = 0.6 * rnd.nextDouble(), max = min + (0.99 - min) * rnd.nextDouble();
            double target = min + (max - min) * rnd.nextDouble(), step = 0.005 + 0.2 * rnd.nextDouble();
            Clustering clustering = rnd.nextBoolean() ? Clustering.BINS : Clustering.KMEANS;
            int[] level = LogLevelClustering.levels(clustering, lambda, k);
            SparsityAllocation a = SparsityAllocation.ofLevels(level, params, target, step, min, max);

            String what = "seed " + seed + " trial " + trial + ": " + n + " units, K " + k + ", δ " + step + ", [" + min + ", " + max + "], s* " + target;
            double weighted = 0, total = 0;
            for (int u = 0; u < n; u++) {
                double s = a.sparsity()[u];
                assertTrue(s >= min && s <= max, what + ": unit " + u + " at " + s + " outside the bounds");
                weighted += params[u] * s;
                total += params[u];
                for (int v = 0; v < n; v++)
                    if (level[v] > level[u]) assertTrue(a.sparsity()[v] <= s, what + ": a costlier level is pruned more");
            }
            assertEquals(target, weighted / total, 0.001, what);
            assertEquals(target, a.mean(), 1e-9, what + " (the reported mean)");
        }
    }

    @Test
    void oneLevelIsUniformPruningExactly() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        for (int trial = 0; trial < 100; trial++) {
            int n = 1 + rnd.nextInt(60);
            long[] params = new long[n];
            double[] lambda = new double[n];
            for (int u = 0; u < n; u++) {
                params[u] = 1 + rnd.nextInt(5_000_000);
                lambda[u] = -6 * rnd.nextDouble();
            }
            double target = 0.3 + 0.65 * rnd.nextDouble();
            for (Clustering clustering : Clustering.values()) {
                int[] level = LogLevelClustering.levels(clustering, lambda, 1);
                SparsityAllocation a = SparsityAllocation.ofLevels(level, params, target, 0.05, 0.3, 0.95);
                for (double s : a.sparsity()) assertEquals(target, s, 0.0, "seed " + seed + " trial " + trial + " " + clustering);
            }
        }
    }

    @Test
    void unclampedLevelsAreOneStepApart() {
        int[] level = {0, 1, 2, 3, 4, 2};
        long[] params = {100, 200, 300, 400, 500, 600};
        SparsityAllocation a = SparsityAllocation.ofLevels(level, params, 0.7, 0.05, 0.3, 0.95);
        for (int u = 0; u < level.length; u++)
            assertEquals(0.7 + a.offset() - 0.05 * level[u], a.sparsity()[u], 1e-12);
        assertEquals(0.7, a.mean(), 1e-9);
    }

    @Test
    void theBoundsClampAndTheOffsetMakesUpForIt() {
        // The cheap half would go to 0.9 + c but is capped at 0.8: the costly half must take more than it would.
        int[] level = {0, 0, 4, 4};
        long[] params = {1, 1, 1, 1};
        SparsityAllocation a = SparsityAllocation.ofLevels(level, params, 0.7, 0.1, 0.3, 0.8);
        assertEquals(0.8, a.sparsity()[0], 1e-12);
        assertEquals(0.8, a.sparsity()[1], 1e-12);
        assertEquals(0.6, a.sparsity()[2], 1e-9);
        assertEquals(0.7, a.mean(), 1e-9);
    }
}
