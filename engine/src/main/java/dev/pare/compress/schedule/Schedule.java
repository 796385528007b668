package dev.pare.compress.schedule;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pare.compress.SparsitySchedule;
import dev.pare.compress.schedule.ScheduleSettings.Granularity;
import dev.pare.model.Linear;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A scheduler's decision: one target sparsity per unit (a linear, or a block), with what it was decided from. It is
 * the {@link SparsitySchedule} the compression pipeline asks per layer, and what the report and the plot record.
 */
public final class Schedule implements SparsitySchedule {
    /**
     * One unit of the schedule.
     *
     * @param name         the linear's weight tensor name, or null for a whole block
     * @param lambda       log₁₀ Ē(s*), NaN where no pre-pass ran (uniform)
     * @param scheduled    log₁₀ Ē at the unit's scheduled sparsity: the estimate after scheduling
     * @param outlierRatio OWL's outlier ratio, NaN where no pre-pass ran
     * @param level        the log-error level (hessian), −1 for schedulers without levels
     */
    public record Entry(int block, String name, long params, double lambda, double scheduled, double outlierRatio, int level, double sparsity) {
        public String label() {
            return name == null ? "block " + block : block + " " + Linear.shortName(name);
        }
    }

    /** The linears' shapes, for a uniform schedule that needs no statistics. */
    public record LayerShape(int block, String name, int rows, int columns) {
    }

    private final ScheduleSettings settings;
    private final double target, offset;
    private final List<Entry> entries;
    private final Map<String, Entry> byLinear = new HashMap<>();
    private final Map<Integer, Entry> byBlock = new HashMap<>();

    public Schedule(ScheduleSettings settings, double target, double offset, List<Entry> entries) {
        this.settings = settings;
        this.target = target;
        this.offset = offset;
        this.entries = List.copyOf(entries);
        for (Entry e : entries) {
            if (e.name() == null) byBlock.put(e.block(), e);
            else byLinear.put(e.name(), e);
        }
    }

    /** Every linear at the target: the baseline, with no pre-pass. */
    public static Schedule uniform(ScheduleSettings settings, double target, List<LayerShape> layers) {
        List<Entry> entries = layers.stream()
                .map(l -> new Entry(l.block(), l.name(), (long) l.rows() * l.columns(), Double.NaN, Double.NaN, Double.NaN, -1, target)).toList();
        return new Schedule(settings, target, 0, entries);
    }

    /** The schedule the settings ask for, from the pre-pass's statistics (not used by uniform). */
    public static Schedule of(ScheduleSettings settings, double target, List<BlockStatistics> statistics) {
        return switch (settings.scheduler()) {
            case HESSIAN -> HessianScheduler.schedule(settings, target, statistics);
            case OWL -> OwlScheduler.schedule(settings, target, statistics);
            case UNIFORM -> {
                List<LayerShape> shapes = statistics.stream().flatMap(b -> b.layers().stream())
                        .map(l -> new LayerShape(l.block(), l.name(), l.rows(), l.columns())).toList();
                yield uniform(settings, target, shapes);
            }
        };
    }

    @Override
    public double sparsity(int block, String name) {
        Entry e = byLinear.get(name);
        if (e == null) e = byBlock.get(block);
        if (e == null) throw new IllegalStateException("the schedule has no entry for block " + block + " " + name);
        return e.sparsity();
    }

    public ScheduleSettings settings() {
        return settings;
    }

    public double target() {
        return target;
    }

    /** The offset c that the mean constraint solved for. */
    public double offset() {
        return offset;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** Σ p_u s_u / Σ p_u: the target, to ±0.001, by construction. */
    public double meanSparsity() {
        double weighted = 0, total = 0;
        for (Entry e : entries) {
            weighted += (double) e.params() * e.sparsity();
            total += e.params();
        }
        return total == 0 ? 0 : weighted / total;
    }

    public String describe() {
        StringBuilder s = new StringBuilder(ScheduleSettings.name(settings.scheduler()));
        s.append(String.format(Locale.ROOT, ", target %.4f", target));
        switch (settings.scheduler()) {
            case HESSIAN -> s.append(String.format(Locale.ROOT, ", %d levels (%s) × δ %.4g, bounds [%.4g, %.4g], offset c %+.5f",
                    settings.levels(), ScheduleSettings.name(settings.clustering()), settings.levelStep(), settings.minSparsity(), settings.maxSparsity(), offset));
            case OWL -> s.append(String.format(Locale.ROOT, ", M %.4g, λ %.4g, bounds [%.4g, %.4g], offset c %+.5f",
                    settings.owlM(), settings.owlLambda(), settings.minSparsity(), settings.maxSparsity(), offset));
            case UNIFORM -> { }
        }
        s.append(settings.granularity() == Granularity.BLOCK ? ", per block" : ", per linear");
        return s.toString();
    }

    /** The table `pare compress --dry-run` prints: one row per unit. */
    public void printTable(PrintStream out) {
        long total = entries.stream().mapToLong(Entry::params).sum();
        out.printf(Locale.ROOT, "schedule: %s%n", describe());
        out.printf(Locale.ROOT, "%-28s %12s %11s %9s %6s %9s %11s%n", "layer", "params", "log10 Ē(s*)", "outliers", "level", "sparsity", "log10 Ē(s)");
        for (Entry e : entries)
            out.printf(Locale.ROOT, "%-28s %,12d %11s %9s %6s %9.4f %11s%n", e.label(), e.params(), fmt("%.3f", e.lambda()),
                    fmt("%.5f", e.outlierRatio()), e.level() < 0 ? "-" : Integer.toString(e.level()), e.sparsity(), fmt("%.3f", e.scheduled()));
        out.printf(Locale.ROOT, "%d units, %,d parameters, parameter-weighted mean sparsity %.5f (target %.4f)%n",
                entries.size(), total, meanSparsity(), target);
    }

    private static String fmt(String format, double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v);
    }

    /** The report's "schedule" section. */
    public void writeJson(ObjectNode node) {
        node.put("scheduler", ScheduleSettings.name(settings.scheduler()));
        node.put("target", target);
        node.put("granularity", ScheduleSettings.name(settings.granularity()));
        if (settings.scheduler() == ScheduleSettings.Scheduler.HESSIAN) {
            node.put("levels", settings.levels());
            node.put("level_step", settings.levelStep());
            node.put("clustering", ScheduleSettings.name(settings.clustering()));
        }
        if (settings.scheduler() == ScheduleSettings.Scheduler.OWL) {
            node.put("owl_m", settings.owlM());
            node.put("owl_lambda", settings.owlLambda());
        }
        if (!settings.isUniform()) {
            node.put("min_sparsity", settings.minSparsity());
            node.put("max_sparsity", settings.maxSparsity());
        }
        node.put("offset", offset);
        node.put("mean_sparsity", meanSparsity());
        ArrayNode units = node.putArray("units");
        for (Entry e : entries) {
            ObjectNode u = units.addObject();
            u.put("block", e.block());
            if (e.name() == null) u.putNull("name");
            else u.put("name", e.name());
            u.put("params", e.params());
            putNumber(u, "lambda", e.lambda());
            putNumber(u, "lambda_scheduled", e.scheduled());
            putNumber(u, "outlier_ratio", e.outlierRatio());
            if (e.level() < 0) u.putNull("level");
            else u.put("level", e.level());
            u.put("sparsity", e.sparsity());
        }
    }

    private static void putNumber(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) o.putNull(key);
        else o.put(key, v);
    }
}
