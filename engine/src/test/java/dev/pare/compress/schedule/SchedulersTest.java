package dev.pare.compress.schedule;

import dev.pare.compress.schedule.ScheduleSettings.Clustering;
import dev.pare.compress.schedule.ScheduleSettings.Granularity;
import dev.pare.compress.schedule.ScheduleSettings.Scheduler;
import dev.pare.tensor.FloatMatrix;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hessian and OWL schedulers on synthetic pre-pass statistics: the constraints they promise, and their ordering. */
class SchedulersTest {
    private static final String[] NAMES = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"};

    /** Blocks of linears of random sizes whose loss curves are ε ~ 10^(spread·N(0,1)) scaled per layer, and random outlier ratios. */
    static List<BlockStatistics> randomModel(Random rnd, int blocks) {
        List<BlockStatistics> model = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            List<LayerStatistics> layers = new ArrayList<>();
            for (String name : NAMES) {
                int rows = 8 + rnd.nextInt(60), cols = 8 + rnd.nextInt(60);
                float[] eps = new float[rows * cols];
                double scale = Math.pow(10, 4 * rnd.nextDouble()), sum = 0;
                for (int i = 0; i < eps.length; i++) {
                    eps[i] = (float) (scale * Math.pow(10, rnd.nextGaussian()));
                    sum += eps[i];
                }
                layers.add(new LayerStatistics(b, "model.layers." + b + "." + name + ".weight", rows, cols,
                        LossCurve.of(eps, sum / 2 * (1 + 2 * rnd.nextDouble())), 0.05 * rnd.nextDouble()));
            }
            model.add(new BlockStatistics(b, layers, 0.05 * rnd.nextDouble()));
        }
        return model;
    }

    static ScheduleSettings settings(Random rnd, Scheduler scheduler, Granularity granularity) {
        return new ScheduleSettings(scheduler, 1 + rnd.nextInt(7), 0.01 + 0.1 * rnd.nextDouble(), 0.3, 0.95, granularity,
                rnd.nextBoolean() ? Clustering.BINS : Clustering.KMEANS, 5, 0.02 + 0.2 * rnd.nextDouble());
    }

    @Test
    void hessianAndOwlMeetTheTargetOnAverageWithinTheBounds() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        for (int trial = 0; trial < 60; trial++) {
            List<BlockStatistics> model = randomModel(rnd, 1 + rnd.nextInt(6));
            for (Scheduler scheduler : new Scheduler[]{Scheduler.HESSIAN, Scheduler.OWL}) {
                for (Granularity granularity : Granularity.values()) {
                    ScheduleSettings s = settings(rnd, scheduler, granularity);
                    double target = 0.3 + 0.65 * rnd.nextDouble();
                    Schedule schedule = Schedule.of(s, target, model);
                    String what = "seed " + seed + " trial " + trial + " " + s + " s* " + target;
                    assertEquals(target, meanOverLinears(schedule, model), 0.001, what);
                    for (Schedule.Entry e : schedule.entries())
                        assertTrue(e.sparsity() >= 0.3 && e.sparsity() <= 0.95, what + ": " + e);
                    assertEquals(granularity == Granularity.BLOCK ? model.size() : model.size() * NAMES.length, schedule.entries().size());
                }
            }
        }
    }

    /** The mean over every linear as the pipeline will ask for it, not the schedule's own bookkeeping. */
    private static double meanOverLinears(Schedule schedule, List<BlockStatistics> model) {
        double weighted = 0, total = 0;
        for (BlockStatistics b : model)
            for (LayerStatistics l : b.layers()) {
                weighted += l.params() * schedule.sparsity(l.block(), l.name());
                total += l.params();
            }
        return weighted / total;
    }

    @Test
    void oneLevelHessianScheduleIsUniform() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        List<BlockStatistics> model = randomModel(rnd, 3);
        for (Granularity granularity : Granularity.values()) {
            ScheduleSettings s = new ScheduleSettings(Scheduler.HESSIAN, 1, 0.05, 0.3, 0.95, granularity, Clustering.KMEANS, 5, 0.08);
            Schedule schedule = Schedule.of(s, 0.73, model);
            for (BlockStatistics b : model)
                for (LayerStatistics l : b.layers()) assertEquals(0.73, schedule.sparsity(l.block(), l.name()), 0.0, "seed " + seed);
        }
    }

    @Test
    void costlierLayersArePrunedLessAndOutlierRichLayersToo() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        List<BlockStatistics> model = randomModel(rnd, 4);
        ScheduleSettings hessian = new ScheduleSettings(Scheduler.HESSIAN, 5, 0.05, 0.3, 0.95, Granularity.LINEAR, Clustering.BINS, 5, 0.08);
        List<Schedule.Entry> h = Schedule.of(hessian, 0.7, model).entries();
        for (Schedule.Entry a : h)
            for (Schedule.Entry b : h) if (a.lambda() < b.lambda()) assertTrue(a.sparsity() >= b.sparsity(), "seed " + seed + ": " + a + " vs " + b);

        ScheduleSettings owl = new ScheduleSettings(Scheduler.OWL, 5, 0.05, 0.3, 0.95, Granularity.BLOCK, Clustering.BINS, 5, 0.08);
        List<Schedule.Entry> o = Schedule.of(owl, 0.7, model).entries();
        for (Schedule.Entry a : o)
            for (Schedule.Entry b : o) if (a.outlierRatio() < b.outlierRatio()) assertTrue(a.sparsity() >= b.sparsity(), "seed " + seed);
        // Equal-sized blocks and no bound reached: OWL's own formula, s* − (D' − mean D'), spread 2λ, with c = 0.
        double max = o.stream().mapToDouble(Schedule.Entry::sparsity).max().orElseThrow(), min = o.stream().mapToDouble(Schedule.Entry::sparsity).min().orElseThrow();
        if (model.stream().mapToLong(BlockStatistics::params).distinct().count() == 1) assertEquals(0, Schedule.of(owl, 0.7, model).offset(), 1e-9);
        assertEquals(2 * 0.08, max - min, 1e-9, "seed " + seed);
    }

    @Test
    void outlierRatioCountsScoresAboveMTimesTheirMean() {
        try (Arena arena = Arena.ofShared()) {
            // Scores |w|·√(diag/2): diag 2 → norms 1; one row of ten scores, mean 1.9 → with M = 5 threshold 9.5, one outlier.
            FloatMatrix w = FloatMatrix.of(arena, 1, 10, new float[]{1, 1, 1, 1, 1, 1, 1, 1, 1, -10});
            float[] diag = new float[10];
            java.util.Arrays.fill(diag, 2);
            assertEquals(0.1, OutlierRatio.of(w, diag, 5), 1e-12);
            // Pooled with a second layer of ten scores 1: mean 1.45 over twenty, threshold 7.25: still one of twenty.
            FloatMatrix v = FloatMatrix.of(arena, 2, 5, new float[]{1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
            float[] diag5 = {2, 2, 2, 2, 2};
            assertEquals(0.05, OutlierRatio.pooled(List.of(w, v), List.of(diag, diag5), 5), 1e-12);
            // An input that never fires makes its weights' scores 0.
            float[] silent = diag.clone();
            silent[9] = 0;
            assertEquals(0.0, OutlierRatio.of(w, silent, 5), 1e-12);
        }
    }
}
