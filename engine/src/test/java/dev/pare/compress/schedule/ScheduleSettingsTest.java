package dev.pare.compress.schedule;

import dev.pare.PareException;
import dev.pare.compress.CompressionSettings;
import dev.pare.compress.NmPattern;
import dev.pare.compress.schedule.ScheduleSettings.Clustering;
import dev.pare.compress.schedule.ScheduleSettings.Granularity;
import dev.pare.compress.schedule.ScheduleSettings.Scheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every bad schedule input is one line that names the flag, raised before any work. */
class ScheduleSettingsTest {
    private static final Path MODEL = Path.of("model"), OUT = Path.of("out"), CALIB = Path.of("calib.txt");

    private static ScheduleSettings schedule(Scheduler scheduler, int levels, double step, double min, double max) {
        return new ScheduleSettings(scheduler, levels, step, min, max, Granularity.LINEAR, Clustering.BINS, 5, 0.08);
    }

    private static CompressionSettings job(String method, double sparsity, NmPattern nm, Path calib, ScheduleSettings s, boolean dryRun, Path out) {
        return new CompressionSettings(MODEL, out, method, sparsity, nm, 0, false, 0, false, false, 128, 0.01, null, calib, null, 8, null, 0,
                null, null, null, List.of("pare"), s, dryRun);
    }

    private static void rejects(String flag, Executable e) {
        PareException x = assertThrows(PareException.class, e);
        assertTrue(x.getMessage().contains(flag), "'" + x.getMessage() + "' should name " + flag);
        assertFalse(x.getMessage().contains("\n"), "one line: " + x.getMessage());
    }

    @Test
    void badKnobsAreOneLineErrorsNamingTheFlag() {
        rejects("--levels", () -> schedule(Scheduler.HESSIAN, 0, 0.05, 0.3, 0.95));
        rejects("--level-step", () -> schedule(Scheduler.HESSIAN, 5, 0, 0.3, 0.95));
        rejects("--level-step", () -> schedule(Scheduler.HESSIAN, 5, -0.05, 0.3, 0.95));
        rejects("--level-step", () -> schedule(Scheduler.HESSIAN, 5, Double.NaN, 0.3, 0.95));
        rejects("--min-sparsity", () -> schedule(Scheduler.HESSIAN, 5, 0.05, 0.9, 0.5));
        rejects("--min-sparsity", () -> schedule(Scheduler.HESSIAN, 5, 0.05, -0.1, 0.5));
        rejects("--max-sparsity", () -> schedule(Scheduler.HESSIAN, 5, 0.05, 0.3, 1.0));
        rejects("--owl-m", () -> new ScheduleSettings(Scheduler.OWL, 5, 0.05, 0.3, 0.95, Granularity.LINEAR, Clustering.BINS, 0, 0.08));
        rejects("--owl-lambda", () -> new ScheduleSettings(Scheduler.OWL, 5, 0.05, 0.3, 0.95, Granularity.LINEAR, Clustering.BINS, 5, -1));
        rejects("--scheduler", () -> ScheduleSettings.parse(Scheduler.class, "--scheduler", "hesian"));
        rejects("--schedule-granularity", () -> ScheduleSettings.parse(Granularity.class, "--schedule-granularity", "layer"));
        rejects("--level-clustering", () -> ScheduleSettings.parse(Clustering.class, "--level-clustering", "kmedoids"));
    }

    @Test
    void badCombinationsAreRejectedBeforeAnyWork() {
        ScheduleSettings hessian = schedule(Scheduler.HESSIAN, 5, 0.05, 0.3, 0.95);
        rejects("--sparsity", () -> job("sparsegpt", 0.97, null, CALIB, hessian, false, OUT));
        rejects("--sparsity", () -> job("sparsegpt", 0.2, null, CALIB, hessian, false, OUT));
        rejects("--scheduler hessian", () -> job("sparsegpt", 0, new NmPattern(2, 4), CALIB, hessian, false, OUT));
        rejects("--calib", () -> job("magnitude", 0.7, null, null, hessian, false, OUT));
        rejects("--out", () -> job("sparsegpt", 0.7, null, CALIB, hessian, false, null));
        // The uniform schedule ignores the bounds: a 20% uniform run stays valid.
        job("sparsegpt", 0.2, null, CALIB, ScheduleSettings.UNIFORM, false, OUT);
        job("magnitude", 0.7, null, CALIB, hessian, true, null);
    }
}
