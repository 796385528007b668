package dev.pare.compress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pare.SharedTestData;
import dev.pare.backend.Backend;
import dev.pare.backend.CpuBackend;
import dev.pare.compress.schedule.ScheduleSettings;
import dev.pare.compress.schedule.ScheduleSettings.Clustering;
import dev.pare.compress.schedule.ScheduleSettings.Granularity;
import dev.pare.compress.schedule.ScheduleSettings.Scheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The schedulers end to end on the embedded pare-demo model, with a few short calibration windows. */
class ScheduledCompressionTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private static CompressionSettings settings(String method, Path out, ScheduleSettings schedule, boolean dryRun) {
        Path demo = SharedTestData.repo("models/pare-demo");
        return new CompressionSettings(demo, out, method, 0.7, null, 0, false, 0, false, false, 128, 0.01, null, demo.resolve("calib.txt"), null,
                4, 64, 0, null, null, null, List.of("test"), schedule, dryRun);
    }

    @Test
    void dryRunWritesOnlyTheScheduleAndItsPlot(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("plan");
        ScheduleSettings hessian = new ScheduleSettings(Scheduler.HESSIAN, 5, 0.05, 0.3, 0.95, Granularity.LINEAR, Clustering.KMEANS, 5, 0.08);
        try (Backend backend = new CpuBackend()) {
            CompressionJob.Summary s = new CompressionJob(settings("sparsegpt", out, hessian, true), backend, QUIET).run();
            assertEquals(0.7, s.schedule().meanSparsity(), 0.001);
            assertTrue(s.layers().isEmpty());
        }
        try (var files = Files.list(out)) {
            assertEquals(List.of("pare-report.json", CompressionJob.PLOT), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        JsonNode report = new ObjectMapper().readTree(out.resolve("pare-report.json").toFile());
        JsonNode schedule = report.get("schedule");
        assertEquals("hessian", schedule.get("scheduler").asText());
        assertEquals(28, schedule.get("units").size());
        for (JsonNode u : schedule.get("units")) {
            assertTrue(u.get("lambda").isNumber() && u.get("level").asInt() >= 0 && u.get("level").asInt() < 5, u.toString());
            assertTrue(u.get("sparsity").asDouble() >= 0.3 && u.get("sparsity").asDouble() <= 0.95, u.toString());
        }
        BufferedImage png = ImageIO.read(out.resolve(CompressionJob.PLOT).toFile());
        assertEquals(1400, png.getWidth());
        assertEquals(560, png.getHeight());
    }

    /** Magnitude needs no calibration itself, but takes the OWL schedule: every layer gets the sparsity the schedule gave it. */
    @Test
    void magnitudePrunesEachLayerToItsScheduledSparsity(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("owl");
        ScheduleSettings owl = new ScheduleSettings(Scheduler.OWL, 5, 0.05, 0.3, 0.95, Granularity.LINEAR, Clustering.BINS, 5, 0.08);
        CompressionJob.Summary s;
        try (Backend backend = new CpuBackend()) {
            s = new CompressionJob(settings("magnitude", out, owl, false), backend, QUIET).run();
        }
        Map<String, Double> scheduled = new HashMap<>();
        for (var e : s.schedule().entries()) scheduled.put(e.name(), e.sparsity());
        double spread = 0;
        for (LayerReport r : s.layers()) {
            assertEquals(scheduled.get(r.name()), r.targetSparsity(), 0.0, r.name());
            assertEquals(r.targetSparsity(), r.sparsity(), 2.0 / (r.rows() * r.columns()) + 1e-3, r.name());
            spread = Math.max(spread, Math.abs(r.targetSparsity() - 0.7));
        }
        assertTrue(spread > 0.01, "OWL spread the sparsity");
        assertEquals(0.7, s.sparsity(), 0.002);
        assertTrue(Files.isRegularFile(out.resolve(CompressionJob.PLOT)));
        JsonNode report = new ObjectMapper().readTree(out.resolve("pare-report.json").toFile());
        assertEquals("owl", report.get("schedule").get("scheduler").asText());
        assertFalse(report.get("layers").get(0).get("packed_bits_per_weight").isNull());
        assertTrue(report.get("totals").get("linear_bits_per_weight").asDouble() > 0);
    }
}
