package dev.pare.compress.schedule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * OWL, outlier-weighed layerwise sparsity (Yin et al., 2023), the baseline the seed paper's scheduler is held against:
 * each unit's outlier ratio D_u, min-max scaled to [0, 2λ] and centred, is taken off the target,
 * s_u = clamp(s* − (D'_u − mean D') + c, s_min, s_max), with c solved for the same parameter-weighted mean as the
 * hessian scheduler (OWL's own code scores whole blocks of equal size, where c = 0 does it; per linear, sizes differ).
 */
public final class OwlScheduler {
    private OwlScheduler() {
    }

    public static Schedule schedule(ScheduleSettings settings, double target, List<BlockStatistics> statistics) {
        settings.checkTarget(target);
        List<ScheduleUnit> units = ScheduleUnit.of(statistics, settings.granularity(), target);
        double[] ratio = units.stream().mapToDouble(ScheduleUnit::outlierRatio).toArray();
        long[] params = units.stream().mapToLong(ScheduleUnit::params).toArray();
        double min = Arrays.stream(ratio).min().orElse(0), max = Arrays.stream(ratio).max().orElse(0);
        double[] scaled = new double[ratio.length];
        if (max > min) for (int u = 0; u < ratio.length; u++) scaled[u] = (ratio[u] - min) / (max - min) * 2 * settings.owlLambda();
        double mean = Arrays.stream(scaled).average().orElse(0);
        double[] base = new double[ratio.length];
        for (int u = 0; u < base.length; u++) base[u] = target - (scaled[u] - mean);
        SparsityAllocation a = SparsityAllocation.solve(base, params, target, settings.minSparsity(), settings.maxSparsity());
        List<Schedule.Entry> entries = new ArrayList<>();
        for (int u = 0; u < units.size(); u++) {
            ScheduleUnit unit = units.get(u);
            entries.add(new Schedule.Entry(unit.block(), unit.name(), unit.params(), unit.lambda(),
                    ScheduleUnit.lambda(unit.relativeLoss().applyAsDouble(a.sparsity()[u])), unit.outlierRatio(), -1, a.sparsity()[u]));
        }
        return new Schedule(settings, target, a.offset(), entries);
    }
}
