package dev.pare.compress.schedule;

import java.util.ArrayList;
import java.util.List;

/**
 * The seed paper's scheduler (Zhang, Chen, He, Zhang, "Aggressive Post-Training Compression on Extremely Large
 * Language Models", arXiv 2409.20094), in Pare's specification: λ_u = log₁₀ Ē_u(s*) from the inverse Hessian of the
 * dense pre-pass; the units clustered into K levels by λ (level 0 the cheapest); level k pruned to
 * s_k = clamp(s* + c − k·δ, s_min, s_max), c solved so that the parameter-weighted mean sparsity is s*. Layers where
 * pruning costs least give up more weights, so that those where it costs most can keep theirs.
 */
public final class HessianScheduler {
    private HessianScheduler() {
    }

    public static Schedule schedule(ScheduleSettings settings, double target, List<BlockStatistics> statistics) {
        settings.checkTarget(target);
        List<ScheduleUnit> units = ScheduleUnit.of(statistics, settings.granularity(), target);
        double[] lambda = units.stream().mapToDouble(ScheduleUnit::lambda).toArray();
        long[] params = units.stream().mapToLong(ScheduleUnit::params).toArray();
        int[] levels = LogLevelClustering.levels(settings.clustering(), lambda, settings.levels());
        SparsityAllocation a = SparsityAllocation.ofLevels(levels, params, target, settings.levelStep(), settings.minSparsity(), settings.maxSparsity());
        List<Schedule.Entry> entries = new ArrayList<>();
        for (int u = 0; u < units.size(); u++) {
            ScheduleUnit unit = units.get(u);
            entries.add(new Schedule.Entry(unit.block(), unit.name(), unit.params(), unit.lambda(),
                    ScheduleUnit.lambda(unit.relativeLoss().applyAsDouble(a.sparsity()[u])), unit.outlierRatio(), levels[u], a.sparsity()[u]));
        }
        return new Schedule(settings, target, a.offset(), entries);
    }
}
