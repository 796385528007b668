package dev.pare.compress;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pare.PareException;
import dev.pare.backend.Backend;
import dev.pare.calib.CalibrationSet;
import dev.pare.compress.schedule.BlockStatistics;
import dev.pare.compress.schedule.DensePrepass;
import dev.pare.compress.schedule.Schedule;
import dev.pare.compress.schedule.Schedule.LayerShape;
import dev.pare.compress.schedule.SchedulePlot;
import dev.pare.compress.schedule.ScheduleSettings;
import dev.pare.eval.Perplexity;
import dev.pare.eval.PerplexityResult;
import dev.pare.eval.WikiText2;
import dev.pare.model.Block;
import dev.pare.model.CausalLM;
import dev.pare.model.Linear;
import dev.pare.model.LoadedModel;
import dev.pare.tensor.Tensor;
import dev.pare.util.Progress;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One `pare compress` run from start to finish: check the settings against the model, calibrate, compress block by
 * block into the output, measure perplexity before and after if asked, and write pare-report.json into the output.
 */
public final class CompressionJob {
    private final CompressionSettings settings;
    private final Backend backend;
    private final PrintStream log;
    /** How long the schedule's dense pre-pass took (NaN: none ran). */
    private double prepassSeconds = Double.NaN;

    public CompressionJob(CompressionSettings settings, Backend backend, PrintStream log) {
        this.settings = settings;
        this.backend = backend;
        this.log = log;
    }

    /** The plot of the schedule, beside pare-report.json. */
    public static final String PLOT = "pare-schedule.png";

    /**
     * Where the bits went and how good the result is.
     *
     * @param out                 the output folder (null for a dry run without --out)
     * @param bitsPerWeight       packed bits over every parameter of the model (embeddings and head stay F16)
     * @param linearBitsPerWeight packed bits over the compressed linears' weights alone
     * @param schedule            the per-layer sparsities the run used (null for quantize-only methods)
     */
    public record Summary(Path out, List<LayerReport> layers, double seconds, double sparsity, double bitsPerWeight, double linearBitsPerWeight,
                          long denseBytes, long packedBytes, PerplexityResult dense, PerplexityResult compressed, Schedule schedule) {
    }

    public Summary run() {
        if (settings.out() != null) OutputCheckpoint.checkTarget(settings.model(), settings.out());
        String evalText = readEvalText();
        long start = System.nanoTime();
        try (LoadedModel model = LoadedModel.open(settings.model())) {
            CausalLM lm = model.model();
            int context = lm.config().contextLength();
            List<LayerShape> shapes = checkLayers(lm);
            List<String> linearNames = shapes.stream().map(LayerShape::name).toList();
            CalibrationSet calibration = settings.needsCalibration() ? calibration(model, context) : null;
            Schedule schedule = CompressionSettings.pruning(settings.method()) ? schedule(lm, calibration, shapes) : null;
            if (settings.dryRun()) return dryRun(schedule, calibration, start);
            PerplexityResult dense = evalText == null ? null : evaluate(model, evalText, "dense");

            LayerMethod method = settings.layerMethod();
            log.printf(Locale.ROOT, "compressing %s: %s, %d blocks, %d linears%s%n", model.path(), describe(), lm.layers(), linearNames.size(),
                    calibration == null ? "" : ", calibration " + calibration.origin());
            OutputCheckpoint out = OutputCheckpoint.begin(model, settings.out(), linearNames); // Ctrl-C from here on removes it
            try {
                SparsitySchedule perLayer = schedule != null ? schedule : SparsitySchedule.uniform(settings.targetSparsity());
                CompressionPipeline pipeline = new CompressionPipeline(lm, backend, method, perLayer, settings.isTrueSequential(),
                        settings.bits(), settings.groupSize(), log);
                long packedBits = 0;
                List<LayerReport> reports = new ArrayList<>();
                PackedBits counter = new PackedBits();
                // The pre-pass may have needed calibration that the method does not (magnitude with a non-uniform schedule).
                reports.addAll(pipeline.run(method.needsCalibration() ? calibration : null, (index, block) -> {
                    out.accept(index, block);
                    counter.add(block);
                }));
                out.finishFiles();
                double seconds = (System.nanoTime() - start) / 1e9;
                PerplexityResult compressed = null;
                if (evalText != null) {
                    try (LoadedModel result = LoadedModel.open(out.staging())) {
                        compressed = evaluate(result, evalText, "compressed");
                    }
                }
                long denseBits = 0;
                Set<String> linears = new HashSet<>(linearNames);
                for (Tensor t : lm.tensors()) {
                    denseBits += 16 * t.numel();
                    if (!linears.contains(t.name())) packedBits += (long) t.dtype().bytes * 8 * t.numel();
                }
                packedBits += counter.bits;
                Summary summary = new Summary(out.target(), reports, seconds, counter.sparsity(), (double) packedBits / (denseBits / 16),
                        (double) counter.bits / counter.weights, denseBits / 8, packedBits / 8, dense, compressed, schedule);
                if (schedule != null) writePlot(schedule, reachedLog10(schedule, reports), out.file(PLOT), line -> log.println("  " + line));
                writeReport(out.file("pare-report.json"), summary, calibration);
                out.commit();
                return summary;
            } finally {
                out.close();
            }
        }
    }

    /** The schedule's PNG; a Java runtime without java.desktop (a minimal jlink image) skips it with a notice. */
    private static void writePlot(Schedule schedule, double[] reached, Path png, Consumer<String> log) {
        try {
            new SchedulePlot(schedule, reached).write(png, log);
        } catch (LinkageError noDesktop) {
            log.accept("schedule plot skipped: this Java runtime has no java.desktop module (" + noDesktop.getMessage() + ")");
        }
    }

    /**
     * The per-layer sparsities: uniform needs nothing but the shapes; OWL and hessian run the dense pre-pass first.
     * A real run logs the table; a dry run prints it (the caller does).
     */
    private Schedule schedule(CausalLM lm, CalibrationSet calibration, List<LayerShape> shapes) {
        ScheduleSettings s = settings.schedule();
        double target = settings.targetSparsity();
        Schedule schedule;
        if (s.isUniform()) {
            schedule = Schedule.uniform(s, target, shapes);
        } else {
            long t0 = System.nanoTime();
            List<BlockStatistics> statistics = new DensePrepass(lm, backend, settings.percdamp(), s.owlM(), log).run(calibration);
            schedule = Schedule.of(s, target, statistics);
            prepassSeconds = (System.nanoTime() - t0) / 1e9;
            log.printf(Locale.ROOT, "schedule pre-pass done in %.1f s%n", prepassSeconds);
        }
        if (!settings.dryRun() && !s.isUniform()) schedule.printTable(log);
        return schedule;
    }

    /**
     * --dry-run: the schedule only. Without --out nothing is written; with --out the folder receives pare-report.json
     * (settings, calibration, schedule; no layers, no totals) and the plot, but no model — so the schedule can be looked
     * at before hours of compression are spent on it.
     */
    private Summary dryRun(Schedule schedule, CalibrationSet calibration, long start) {
        double seconds = (System.nanoTime() - start) / 1e9;
        Summary summary = new Summary(settings.out(), List.of(), seconds, Double.NaN, Double.NaN, Double.NaN, 0, 0, null, null, schedule);
        if (settings.out() != null) {
            try {
                Files.createDirectories(settings.out());
            } catch (IOException e) {
                throw new PareException("--out " + settings.out() + ": cannot create (" + e.getMessage() + ")");
            }
            if (schedule != null) writePlot(schedule, null, settings.out().resolve(PLOT), log::println);
            writeReport(settings.out().resolve("pare-report.json"), summary, calibration);
        }
        return summary;
    }

    /** Per schedule entry, log₁₀ of the relative error compression reached (a block's: the parameter-weighted mean of its linears'). */
    static double[] reachedLog10(Schedule schedule, List<LayerReport> reports) {
        List<Schedule.Entry> entries = schedule.entries();
        double[] out = new double[entries.size()];
        for (int u = 0; u < out.length; u++) {
            Schedule.Entry e = entries.get(u);
            double weighted = 0, params = 0;
            for (LayerReport r : reports) {
                if (r.block() != e.block() || (e.name() != null && !e.name().equals(r.name())) || Double.isNaN(r.relError())) continue;
                weighted += (double) r.rows() * r.columns() * r.relError();
                params += (double) r.rows() * r.columns();
            }
            out[u] = params == 0 ? Double.NaN : Math.log10(Math.max(1e-12, weighted / params));
        }
        return out;
    }

    /** Packed bits and zeros of the compressed linears, counted as each block is written. */
    private final class PackedBits {
        long bits, zeros, weights;

        void add(Block block) {
            for (Linear l : block.linears()) {
                boolean pruned = CompressionSettings.pruning(settings.method());
                bits += PackedSize.linearBits(l.weight(), pruned, settings.nm(), settings.bits(), settings.groupSize());
                zeros += Math.round(CompressionPipeline.zeros(l.weight()) * l.weight().size());
                weights += l.weight().size();
            }
        }

        double sparsity() {
            return weights == 0 ? 0 : (double) zeros / weights;
        }
    }

    private String describe() {
        StringBuilder s = new StringBuilder(settings.method());
        if (settings.nm() != null) s.append(" ").append(settings.nm());
        else if (settings.sparsity() > 0) s.append(String.format(Locale.ROOT, " %.0f%%", 100 * settings.sparsity()));
        if (!settings.schedule().isUniform()) s.append(" (mean, ").append(ScheduleSettings.name(settings.schedule().scheduler())).append(" schedule)");
        if (settings.bits() > 0) s.append(" ").append(new QuantGrid(settings.bits(), settings.symmetric()))
                .append(settings.groupSize() > 0 ? " g" + settings.groupSize() : " per-channel");
        if (settings.actOrder()) s.append(" act-order");
        if (settings.staticGroups()) s.append(" static-groups");
        if (settings.isTrueSequential()) s.append(", true-sequential");
        return s.toString();
    }

    /** Every linear to compress; N:M must tile each one's columns (checked before anything is written). */
    private List<LayerShape> checkLayers(CausalLM lm) {
        List<LayerShape> shapes = new ArrayList<>();
        lm.checkBlocks((block, i) -> {
            for (Linear l : block.linears()) {
                if (settings.nm() != null) settings.nm().requireDivides(l.columns(), l.name());
                shapes.add(new LayerShape(i, l.name(), l.rows(), l.columns()));
            }
        });
        return shapes;
    }

    private CalibrationSet calibration(LoadedModel model, int context) {
        int seqlen = settings.seqlen() != null ? settings.seqlen() : Math.min(2048, context);
        if (seqlen > context)
            throw new PareException("--seqlen " + seqlen + " is longer than the model's context of " + context + " tokens (" + model.path() + ")");
        return settings.calibTokens() != null
                ? CalibrationSet.fromTokens(settings.calibTokens(), settings.nsamples(), seqlen, model.model().config().vocab())
                : CalibrationSet.fromText(settings.calibText(), model.tokenizer(), settings.nsamples(), seqlen, settings.seed());
    }

    private String readEvalText() {
        if (settings.evalWikitext2() != null) return WikiText2.rebuild(settings.evalWikitext2());
        if (settings.evalText() == null) return null;
        Path f = settings.evalText();
        if (!Files.isRegularFile(f)) throw new PareException(f + ": no such file (--eval)");
        try {
            String s = Files.readString(f, StandardCharsets.UTF_8);
            if (s.isEmpty()) throw new PareException(f + ": the evaluation text is empty (--eval)");
            return s;
        } catch (IOException e) {
            throw new PareException(f + ": cannot read as UTF-8 text (" + e.getMessage() + ")");
        }
    }

    private Path evalSource() {
        return settings.evalWikitext2() != null ? settings.evalWikitext2() : settings.evalText();
    }

    private PerplexityResult evaluate(LoadedModel model, String text, String label) {
        int context = model.model().config().contextLength();
        int seqlen = settings.evalSeqlen() != null ? settings.evalSeqlen() : Math.min(2048, context);
        int[] ids = model.tokenizer().encode(text);
        if (ids.length < seqlen)
            throw new PareException(evalSource() + ": the evaluation text has " + ids.length + " tokens, fewer than one window of " + seqlen
                    + " (use a longer text or a smaller --eval-seqlen)");
        PerplexityResult r = Perplexity.evaluate(model.model(), backend, ids, seqlen,
                new Progress(log, "eval (" + label + "): window", Math.max(1, ids.length / seqlen), "tokens"));
        log.printf(Locale.ROOT, "perplexity (%s): %.4f over %d windows of %d tokens%n", label, r.perplexity(), r.windows(), r.seqlen());
        return r;
    }

    private void writeReport(Path file, Summary s, CalibrationSet calibration) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("pare_version", "0.1.0");
        ArrayNode cmd = root.putArray("command");
        settings.command().forEach(cmd::add);
        root.put("model", settings.model().toString());
        ObjectNode m = root.putObject("method");
        m.put("name", settings.method());
        m.put("sparsity", settings.targetSparsity());
        m.put("nm", settings.nm() == null ? null : settings.nm().toString());
        m.put("bits", settings.bits());
        m.put("symmetric", settings.symmetric());
        m.put("group_size", settings.groupSize());
        m.put("act_order", settings.actOrder());
        m.put("static_groups", settings.staticGroups());
        m.put("blocksize", settings.blocksize());
        m.put("percdamp", settings.percdamp());
        m.put("true_sequential", settings.isTrueSequential());
        root.put("seed", settings.seed());
        root.put("dry_run", settings.dryRun());
        if (calibration != null) {
            ObjectNode c = root.putObject("calibration");
            c.put("source", calibration.origin());
            c.put("samples", calibration.samples());
            c.put("seqlen", calibration.seqlen());
        }
        if (s.schedule() != null) {
            ObjectNode schedule = root.putObject("schedule");
            s.schedule().writeJson(schedule);
            putNumber(schedule, "prepass_seconds", prepassSeconds);
            schedule.put("plot", PLOT);
        }
        if (settings.dryRun()) {
            write(json, root, file);
            return;
        }
        boolean pruned = CompressionSettings.pruning(settings.method());
        ArrayNode layers = root.putArray("layers");
        for (LayerReport r : s.layers()) {
            ObjectNode l = layers.addObject();
            l.put("block", r.block());
            l.put("name", r.name());
            l.put("rows", r.rows());
            l.put("columns", r.columns());
            l.put("target_sparsity", r.targetSparsity());
            l.put("sparsity", r.sparsity());
            l.put("bits", r.bits());
            l.put("group_size", r.groupSize());
            putNumber(l, "percdamp", r.percdamp());
            putNumber(l, "obs_loss", r.obsLoss());
            putNumber(l, "rel_error", r.relError());
            l.put("dead_columns", r.dead());
            long size = (long) r.rows() * r.columns();
            long packed = PackedSize.linearBits(r.rows(), r.columns(), size - Math.round(r.sparsity() * size), pruned, settings.nm(), r.bits(), r.groupSize());
            l.put("packed_bits_per_weight", (double) packed / size);
            l.put("seconds", r.seconds());
        }
        ObjectNode t = root.putObject("totals");
        t.put("seconds", s.seconds());
        t.put("linear_sparsity", s.sparsity());
        double loss = 0;
        for (LayerReport r : s.layers()) if (!Double.isNaN(r.obsLoss())) loss += r.obsLoss();
        t.put("obs_loss", loss);
        t.put("dense_f16_bytes", s.denseBytes());
        t.put("packed_bytes", s.packedBytes());
        t.put("bits_per_weight", s.bitsPerWeight());
        t.put("linear_bits_per_weight", s.linearBitsPerWeight());
        t.put("linear_size_ratio_vs_f16", s.linearBitsPerWeight() / 16);
        t.put("size_ratio_vs_f16", (double) s.packedBytes() / s.denseBytes());
        if (s.dense() != null) {
            ObjectNode p = root.putObject("perplexity");
            p.put("text", settings.evalWikitext2() != null ? "wikitext2:" + settings.evalWikitext2() : settings.evalText().toString());
            p.put("seqlen", s.dense().seqlen());
            p.put("windows", s.dense().windows());
            p.put("dense", s.dense().perplexity());
            p.put("compressed", s.compressed().perplexity());
        }
        write(json, root, file);
    }

    private static void write(ObjectMapper json, ObjectNode root, Path file) {
        try {
            json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new PareException(file + ": cannot write the report (" + e.getMessage() + ")");
        }
    }

    private static void putNumber(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) o.putNull(key);
        else o.put(key, v);
    }
}
