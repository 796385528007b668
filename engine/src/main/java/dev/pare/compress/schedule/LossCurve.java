package dev.pare.compress.schedule;

import java.util.Arrays;

/**
 * A layer's estimated pruning loss as a function of its sparsity: E(s) = ½ Σ of the ⌊s·n⌋ smallest saliencies ε, and
 * Ē(s) = E(s) / (½·tr(W H Wᵀ)). Kept compact so that a whole model's curves fit beside one block: the prefix sums of
 * the sorted ε at up to {@link #MAX_KNOTS} + 1 evenly spaced counts — exact where the layer has no more weights than
 * that, and linearly interpolated between knots otherwise (E is convex in the count, so the chord errs high by at most
 * one knot interval's curvature).
 */
public final class LossCurve {
    public static final int MAX_KNOTS = 4096;

    private final long weights;
    /** counts[i] smallest ε sum (halved) to loss[i]; counts run from 0 to weights. */
    private final long[] counts;
    private final double[] loss;
    private final double denominator;

    private LossCurve(long weights, long[] counts, double[] loss, double denominator) {
        this.weights = weights;
        this.counts = counts;
        this.loss = loss;
        this.denominator = denominator;
    }

    /**
     * @param eps         every weight's saliency ε_ij (reordered by the call)
     * @param denominator ½·tr(W H Wᵀ), the loss of pruning everything
     */
    public static LossCurve of(float[] eps, double denominator) {
        Arrays.parallelSort(eps);
        int n = eps.length;
        int knots = Math.min(n, MAX_KNOTS);
        long[] counts = new long[knots + 1];
        double[] loss = new double[knots + 1];
        double sum = 0;
        int next = 1;
        for (int i = 0; i < n; i++) {
            sum += eps[i];
            while (next <= knots && knotCount(next, knots, n) == i + 1) {
                counts[next] = i + 1;
                loss[next] = sum / 2;
                next++;
            }
        }
        return new LossCurve(n, counts, loss, denominator);
    }

    private static long knotCount(int i, int knots, long n) {
        return Math.round((double) i * n / knots);
    }

    public long weights() {
        return weights;
    }

    /** ½·tr(W H Wᵀ): per-token squared output of the dense layer, in the units of E. */
    public double denominator() {
        return denominator;
    }

    /** E(s) = ½ Σ of the ⌊s·n⌋ smallest ε. */
    public double loss(double sparsity) {
        double count = Math.floor(Math.max(0, Math.min(1, sparsity)) * weights);
        int hi = Arrays.binarySearch(counts, (long) count);
        if (hi >= 0) return loss[hi];
        hi = -hi - 1;
        int lo = hi - 1;
        double t = (count - counts[lo]) / (counts[hi] - counts[lo]);
        return loss[lo] + t * (loss[hi] - loss[lo]);
    }

    /** Ē(s) = E(s) / (½·tr(W H Wᵀ)): the share of the layer's output energy that pruning s of it is estimated to lose. */
    public double relative(double sparsity) {
        return denominator > 0 ? loss(sparsity) / denominator : 0;
    }
}
