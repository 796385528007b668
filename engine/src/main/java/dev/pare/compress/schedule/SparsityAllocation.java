package dev.pare.compress.schedule;

/**
 * Step 4: each unit's sparsity is s_u = clamp(b_u + c, s_min, s_max) around a base b_u that the scheduler chooses
 * (hessian: s* − level·δ; OWL: s* − its centred outlier offset), with the one offset c that makes the
 * parameter-weighted mean sparsity equal the target s*: the budget is the same as uniform pruning's, only spent
 * elsewhere. The mean is continuous and non-decreasing in c, from s_min (every unit clamped low) to s_max (every unit
 * clamped high), so for s* within the bounds bisection finds c to machine precision.
 *
 * @param offset   c
 * @param sparsity s_u per unit
 * @param mean     Σ p_u s_u / Σ p_u as reached
 */
public record SparsityAllocation(double offset, double[] sparsity, double mean) {

    /** The seed paper's levels: s_k = clamp(s* + c − k·δ, s_min, s_max). */
    public static SparsityAllocation ofLevels(int[] level, long[] params, double target, double step, double min, double max) {
        double[] base = new double[level.length];
        for (int u = 0; u < base.length; u++) base[u] = target - level[u] * step;
        return solve(base, params, target, min, max);
    }

    /** s_u = clamp(base_u + c, min, max) with c such that the parameter-weighted mean is {@code target}. */
    public static SparsityAllocation solve(double[] base, long[] params, double target, double min, double max) {
        if (!(target >= min && target <= max))
            throw new IllegalArgumentException("target " + target + " outside [" + min + ", " + max + "]");
        // c = 0 already meets the target when the bases do (one level, or a centred OWL spread that no bound cuts):
        // take it exactly (up to the mean's own rounding), so that K = 1 is uniform pruning to the last bit.
        if (Math.abs(mean(base, params, 0, min, max) - target) <= 1e-12) return of(base, params, 0, min, max);
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double b : base) {
            lo = Math.min(lo, min - b);
            hi = Math.max(hi, max - b);
        }
        for (int it = 0; it < 200 && hi - lo > 1e-15; it++) {
            double c = (lo + hi) / 2;
            if (mean(base, params, c, min, max) < target) lo = c;
            else hi = c;
        }
        double below = mean(base, params, lo, min, max), above = mean(base, params, hi, min, max);
        return of(base, params, target - below <= above - target ? lo : hi, min, max);
    }

    private static SparsityAllocation of(double[] base, long[] params, double c, double min, double max) {
        double[] s = new double[base.length];
        for (int u = 0; u < s.length; u++) s[u] = clamp(base[u] + c, min, max);
        return new SparsityAllocation(c, s, mean(base, params, c, min, max));
    }

    static double mean(double[] base, long[] params, double c, double min, double max) {
        double weighted = 0, total = 0;
        for (int u = 0; u < base.length; u++) {
            weighted += (double) params[u] * clamp(base[u] + c, min, max);
            total += params[u];
        }
        return weighted / total;
    }

    private static double clamp(double s, double min, double max) {
        return Math.max(min, Math.min(max, s));
    }
}
