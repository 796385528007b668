package dev.pare.compress.schedule;

import dev.pare.PareException;

import java.util.Arrays;
import java.util.Locale;

/**
 * How the per-layer sparsities are chosen: the scheduler and its knobs, checked as a whole before any work starts.
 *
 * @param levels      K, the number of log-error levels (hessian)
 * @param levelStep   δ, the sparsity step between two adjacent levels (hessian)
 * @param minSparsity no layer is pruned less than this (owl, hessian)
 * @param maxSparsity no layer is pruned more than this (owl, hessian)
 * @param owlM        OWL's outlier threshold M: an entry |W|·‖X‖ is an outlier above M × the mean of its layer
 * @param owlLambda   OWL's λ: the outlier ratios are scaled to [0, 2λ] before centring
 */
public record ScheduleSettings(Scheduler scheduler, int levels, double levelStep, double minSparsity, double maxSparsity,
                               Granularity granularity, Clustering clustering, double owlM, double owlLambda) {
    public enum Scheduler { UNIFORM, OWL, HESSIAN }

    /** One sparsity per linear layer, or one per transformer block (all its linears alike). */
    public enum Granularity { LINEAR, BLOCK }

    /** How the layers' λ are grouped into levels: equal-width bins over [min λ, max λ], or optimal 1-D k-means. */
    public enum Clustering { BINS, KMEANS }

    public static final ScheduleSettings UNIFORM = new ScheduleSettings(Scheduler.UNIFORM, 2, 0.02, 0.3, 0.95,
            Granularity.LINEAR, Clustering.BINS, 5, 0.08);

    public ScheduleSettings {
        if (levels < 1) throw new PareException("--levels " + levels + ": expected at least 1");
        if (!(levelStep > 0) || !Double.isFinite(levelStep)) throw new PareException("--level-step " + levelStep + ": expected a positive sparsity step (e.g. 0.05)");
        if (!(minSparsity >= 0 && minSparsity < 1)) throw new PareException("--min-sparsity " + minSparsity + ": expected a fraction in [0, 1)");
        if (!(maxSparsity >= 0 && maxSparsity < 1)) throw new PareException("--max-sparsity " + maxSparsity + ": expected a fraction in [0, 1)");
        if (minSparsity > maxSparsity)
            throw new PareException("--min-sparsity " + minSparsity + " is above --max-sparsity " + maxSparsity + ": the bounds are inverted");
        if (!(owlM > 0) || !Double.isFinite(owlM)) throw new PareException("--owl-m " + owlM + ": expected a positive multiple of the layer mean (e.g. 5)");
        if (!(owlLambda >= 0 && owlLambda < 0.5)) throw new PareException("--owl-lambda " + owlLambda + ": expected a sparsity spread in [0, 0.5) (e.g. 0.08)");
    }

    public boolean isUniform() {
        return scheduler == Scheduler.UNIFORM;
    }

    /** A non-uniform scheduler keeps every layer within the bounds, so the target must lie within them too. */
    public void checkTarget(double target) {
        if (isUniform()) return;
        if (target < minSparsity || target > maxSparsity)
            throw new PareException(String.format(Locale.ROOT, "--sparsity %s is outside [--min-sparsity %s, --max-sparsity %s]: the %s scheduler keeps every layer within these bounds",
                    target, minSparsity, maxSparsity, name(scheduler)));
    }

    /** The lower-case name the command line and the report use. */
    public static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** Parses a command-line value of {@code flag} into one of {@code type}'s constants, by lower-case name. */
    public static <E extends Enum<E>> E parse(Class<E> type, String flag, String value) {
        for (E e : type.getEnumConstants()) if (name(e).equals(value)) return e;
        throw new PareException(flag + " '" + value + "': expected one of "
                + String.join(", ", Arrays.stream(type.getEnumConstants()).map(ScheduleSettings::name).toList()));
    }
}
