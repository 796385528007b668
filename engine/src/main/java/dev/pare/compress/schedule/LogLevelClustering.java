package dev.pare.compress.schedule;

import dev.pare.compress.schedule.ScheduleSettings.Clustering;

import java.util.Arrays;

/**
 * Step 3: the layers grouped into K levels by λ = log₁₀ Ē(s*). Level 0 holds the cheapest layers (lowest λ), level
 * K−1 the most expensive. Pruning costs differ by orders of magnitude between layers, so levels are taken on the log
 * scale, where equal steps are equal ratios of cost.
 */
public final class LogLevelClustering {
    private LogLevelClustering() {
    }

    public static int[] levels(Clustering clustering, double[] lambda, int k) {
        return switch (clustering) {
            case BINS -> bins(lambda, k);
            case KMEANS -> kmeans(lambda, k);
        };
    }

    /** Equal-width bins over [min λ, max λ]; the maximum falls into the last bin. All-equal λ are all level 0. */
    public static int[] bins(double[] lambda, int k) {
        double min = Arrays.stream(lambda).min().orElse(0), max = Arrays.stream(lambda).max().orElse(0);
        int[] level = new int[lambda.length];
        if (!(max > min)) return level;
        for (int i = 0; i < lambda.length; i++) level[i] = Math.min(k - 1, (int) Math.floor((lambda[i] - min) / (max - min) * k));
        return level;
    }

    /**
     * Optimal 1-D k-means (least within-cluster sum of squares) by dynamic programming over the sorted λ, as
     * Ckmeans.1d.dp: deterministic, no seeding, and exact — Lloyd's iterations can stop in a poor local optimum, which on
     * a few dozen layers would be visible in the schedule. O(K·n²), trivial for the hundreds of layers of a real model.
     * With fewer distinct values than K, the surplus levels stay empty.
     */
    public static int[] kmeans(double[] lambda, int k) {
        int n = lambda.length;
        int[] level = new int[n];
        if (n == 0) return level;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(lambda[a], lambda[b]));
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = lambda[order[i]];
        int distinct = 1;
        for (int i = 1; i < n; i++) if (v[i] != v[i - 1]) distinct++;
        int clusters = Math.min(k, distinct);

        // Prefix sums make the cost of one cluster v[a..b] O(1): Σ(v − mean)² = Σv² − (Σv)²/count.
        double[] s1 = new double[n + 1], s2 = new double[n + 1];
        for (int i = 0; i < n; i++) {
            s1[i + 1] = s1[i] + v[i];
            s2[i + 1] = s2[i] + v[i] * v[i];
        }
        // cost[c][i]: best cost of v[0..i) in c+1 clusters; first[c][i]: where the last of them starts.
        double[][] cost = new double[clusters][n + 1];
        int[][] first = new int[clusters][n + 1];
        for (int i = 1; i <= n; i++) cost[0][i] = within(s1, s2, 0, i);
        for (int c = 1; c < clusters; c++) {
            for (int i = c + 1; i <= n; i++) {
                cost[c][i] = Double.POSITIVE_INFINITY;
                for (int j = c; j < i; j++) {
                    double total = cost[c - 1][j] + within(s1, s2, j, i);
                    if (total < cost[c][i]) {
                        cost[c][i] = total;
                        first[c][i] = j;
                    }
                }
            }
        }
        int end = n;
        for (int c = clusters - 1; c >= 0; c--) {
            int start = c == 0 ? 0 : first[c][end];
            for (int i = start; i < end; i++) level[order[i]] = c;
            end = start;
        }
        return level;
    }

    /** Σ(v − mean)² over v[a..b). */
    private static double within(double[] s1, double[] s2, int a, int b) {
        double sum = s1[b] - s1[a];
        return Math.max(0, s2[b] - s2[a] - sum * sum / (b - a));
    }
}
