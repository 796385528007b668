package dev.pare.compress.schedule;

import dev.pare.compress.schedule.ScheduleSettings.Granularity;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * What one sparsity is chosen for: a linear layer, or a whole block (its linears alike), with the statistics the
 * schedulers rank it by.
 *
 * @param name         the linear's weight tensor name, or null for a whole block
 * @param lambda       λ = log₁₀ Ē(s*), the estimated relative pruning loss at the target on the log scale
 * @param outlierRatio OWL's outlier ratio
 * @param relativeLoss s ↦ Ē(s), the estimate at any sparsity
 */
public record ScheduleUnit(int block, String name, long params, double lambda, double outlierRatio, DoubleUnaryOperator relativeLoss) {
    /** Ē below this counts as this: a layer that loses nothing (all weights dead) must not become λ = −∞. */
    static final double FLOOR = 1e-12;

    public static List<ScheduleUnit> of(List<BlockStatistics> blocks, Granularity granularity, double target) {
        List<ScheduleUnit> units = new ArrayList<>();
        for (BlockStatistics b : blocks) {
            if (granularity == Granularity.LINEAR) {
                for (LayerStatistics l : b.layers())
                    units.add(new ScheduleUnit(b.block(), l.name(), l.params(), lambda(l.loss().relative(target)), l.outlierRatio(), l.loss()::relative));
            } else {
                // All linears of a block share its sparsity, so the block's relative loss is their parameter-weighted
                // mean Ē at that sparsity: each linear's Ē is already normalised by its own output energy.
                DoubleUnaryOperator mean = s -> {
                    double weighted = 0;
                    for (LayerStatistics l : b.layers()) weighted += l.params() * l.loss().relative(s);
                    return weighted / b.params();
                };
                units.add(new ScheduleUnit(b.block(), null, b.params(), lambda(mean.applyAsDouble(target)), b.outlierRatio(), mean));
            }
        }
        return units;
    }

    public static double lambda(double relativeLoss) {
        return Math.log10(Math.max(FLOOR, relativeLoss));
    }
}
