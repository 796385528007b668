package dev.pare.compress.schedule;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogLevelClusteringTest {

    @Test
    void binsAreEqualWidthOverTheRangeWithTheMaximumInTheLastBin() {
        // [0, 10] in 5 bins of width 2: [0,2) [2,4) [4,6) [6,8) [8,10]
        double[] lambda = {0, 0.5, 1.99, 2.0, 5, 7.99, 9.99, 10};
        assertArrayEquals(new int[]{0, 0, 0, 1, 2, 3, 4, 4}, LogLevelClustering.bins(lambda, 5));
        // Negative, as log errors are, and away from the bin edges (where rounding decides): [−4, −2] in widths of 0.4.
        double[] negative = {-4, -3.9, -3.61, -3.59, -3.01, -2.79, -2.41, -2.39, -2};
        assertArrayEquals(new int[]{0, 0, 0, 1, 2, 3, 3, 4, 4}, LogLevelClustering.bins(negative, 5));
    }

    @Test
    void equalLambdasAreAllLevelZero() {
        assertArrayEquals(new int[]{0, 0, 0}, LogLevelClustering.bins(new double[]{-2, -2, -2}, 5));
        assertArrayEquals(new int[]{0, 0, 0}, LogLevelClustering.kmeans(new double[]{-2, -2, -2}, 5));
    }

    @Test
    void kmeansFindsSeparatedGroupsInOrderOfLambda() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        List<double[]> points = new ArrayList<>(); // {λ, group}
        double[] centres = {-3.5, -2.0, -1.2, -0.3};
        for (int g = 0; g < centres.length; g++)
            for (int i = 0; i < 3 + rnd.nextInt(10); i++) points.add(new double[]{centres[g] + 0.1 * (rnd.nextDouble() - 0.5), g});
        Collections.shuffle(points, rnd);
        double[] lambda = points.stream().mapToDouble(p -> p[0]).toArray();
        int[] level = LogLevelClustering.kmeans(lambda, centres.length);
        for (int i = 0; i < lambda.length; i++) assertEquals((int) points.get(i)[1], level[i], "seed " + seed + " point " + i);
    }

    @Test
    void kmeansWithFewerDistinctValuesThanLevelsLeavesTheRestEmpty() {
        assertArrayEquals(new int[]{1, 0, 1, 0}, LogLevelClustering.kmeans(new double[]{-1, -3, -1, -3}, 5));
    }

    /** The DP's partition has the least within-cluster sum of squares of all partitions into contiguous runs of the sorted λ. */
    @Test
    void kmeansIsOptimalAgainstEveryContiguousPartition() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + rnd.nextInt(9), k = 1 + rnd.nextInt(4);
            double[] lambda = new double[n];
            for (int i = 0; i < n; i++) lambda[i] = -4 * rnd.nextDouble();
            int[] level = LogLevelClustering.kmeans(lambda, k);
            double[] sorted = lambda.clone();
            Arrays.sort(sorted);
            double best = bestCost(sorted, 0, Math.min(k, n));
            assertEquals(best, cost(lambda, level), 1e-9, "seed " + seed + " trial " + trial);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) if (lambda[i] < lambda[j]) assertTrue(level[i] <= level[j], "levels follow λ");
        }
    }

    private static double bestCost(double[] v, int from, int clusters) {
        if (clusters == 1) return ss(v, from, v.length);
        double best = Double.POSITIVE_INFINITY;
        for (int end = from + 1; end <= v.length - clusters + 1; end++) best = Math.min(best, ss(v, from, end) + bestCost(v, end, clusters - 1));
        return best;
    }

    private static double ss(double[] v, int a, int b) {
        double mean = 0;
        for (int i = a; i < b; i++) mean += v[i];
        mean /= b - a;
        double s = 0;
        for (int i = a; i < b; i++) s += (v[i] - mean) * (v[i] - mean);
        return s;
    }

    private static double cost(double[] lambda, int[] level) {
        double total = 0;
        for (int c = 0; c <= Arrays.stream(level).max().getAsInt(); c++) {
            int cc = c;
            double[] members = java.util.stream.IntStream.range(0, lambda.length).filter(i -> level[i] == cc).mapToDouble(i -> lambda[i]).toArray();
            if (members.length > 0) total += ss(members, 0, members.length);
        }
        return total;
    }
}
