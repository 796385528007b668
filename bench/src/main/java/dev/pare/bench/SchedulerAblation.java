package dev.pare.bench;

import dev.pare.backend.Backend;
import dev.pare.calib.CalibrationSet;
import dev.pare.compress.CompressionJob;
import dev.pare.compress.CompressionPipeline;
import dev.pare.compress.CompressionSettings;
import dev.pare.compress.LayerReport;
import dev.pare.compress.SparseGpt;
import dev.pare.compress.SparsitySchedule;
import dev.pare.compress.schedule.BlockStatistics;
import dev.pare.compress.schedule.DensePrepass;
import dev.pare.compress.schedule.LayerStatistics;
import dev.pare.compress.schedule.ScheduleSettings;
import dev.pare.compress.schedule.ScheduleSettings.Clustering;
import dev.pare.compress.schedule.ScheduleSettings.Granularity;
import dev.pare.compress.schedule.ScheduleSettings.Scheduler;
import dev.pare.eval.PerplexityResult;
import dev.pare.model.Linear;
import dev.pare.model.LoadedModel;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The scheduler study on llama20m (../shared/models/llama20m, its calibration tokens, WikiText-2), in two parts:
 * <ul>
 *   <li>{@code correlation}: does the estimate mean something? The pre-pass's Ē_l(s) per linear next to the relative
 *   reconstruction error ‖WX − ŴX‖²/‖WX‖² that SparseGPT really reaches on that layer at uniform s (the pipeline's
 *   LayerReport.relError), and their Spearman rank correlation (the acceptance asks ≥ 0.8).</li>
 *   <li>{@code table}: WikiText-2 perplexity (2048-token windows) for targets × {F16, 4-bit g128 joint} × schedulers,
 *   with the packed bits per weight; one markdown row appended per finished run, so a partial run keeps what it measured.</li>
 * </ul>
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.pare.bench.SchedulerAblation correlation [--sparsity 0.7] [--nsamples 128] [--out bench/RESULTS.md]
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.pare.bench.SchedulerAblation table [--targets 0.6,0.7,0.8] [--bits 0,4]
 *      [--schedulers uniform,owl,hessian] [--nsamples 128] [--levels 2] [--level-step 0.02] [--granularity linear] [--clustering bins]
 *      [--eval-windows N] [--out bench/RESULTS.md]
 * </pre>
 * Both take the options of {@link Llama20mStudy} too ({@code --model}, {@code --eval-tokens}, {@code --device}).
 * The full table is 18 compressions and evaluations of llama20m: hours on a laptop, meant for a many-core machine.
 * --nsamples and --eval-windows shrink a run for a smoke test (the rows say so).
 */
public final class SchedulerAblation {
    public static void main(String[] args) throws IOException {
        if (args.length == 0 || !List.of("correlation", "table").contains(args[0]))
            throw new IllegalArgumentException("usage: SchedulerAblation correlation|table [--option value]...");
        Map<String, String> opts = Llama20mStudy.options(Arrays.copyOfRange(args, 1, args.length));
        Path model = Llama20mStudy.model(opts);
        Path out = Path.of(opts.getOrDefault("out", "bench/RESULTS.md"));
        int nsamples = Integer.parseInt(opts.getOrDefault("nsamples", "128"));
        try (Backend backend = Llama20mStudy.backend(opts)) {
            if (args[0].equals("correlation")) correlation(model, backend, Double.parseDouble(opts.getOrDefault("sparsity", "0.7")), nsamples, out);
            else table(model, Llama20mStudy.wikitext2(opts, model), backend, opts, nsamples, out);
        }
    }

    // ---- (a) the estimate against the error SparseGPT reaches ----

    static void correlation(Path model, Backend backend, double s, int nsamples, Path out) throws IOException {
        List<LayerStatistics> estimates = new ArrayList<>();
        List<LayerReport> reached;
        double prepassSeconds, compressSeconds;
        try (LoadedModel m = LoadedModel.open(model)) {
            CalibrationSet calibration = CalibrationSet.fromTokens(model.resolve("calib_128x2048_uint16.bin"), nsamples, 2048, m.model().config().vocab());
            long t0 = System.nanoTime();
            for (BlockStatistics b : new DensePrepass(m.model(), backend, 0.01, 5, System.err).run(calibration)) estimates.addAll(b.layers());
            prepassSeconds = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            // The reference's setting: all linears of a block from one pass (no true-sequential), blocksize 128, percdamp 0.01.
            CompressionPipeline pipeline = new CompressionPipeline(m.model(), backend, new SparseGpt(null, null, 0, 128, 0.01),
                    SparsitySchedule.uniform(s), false, 0, 0, System.err);
            reached = pipeline.run(calibration, (index, block) -> { });
            compressSeconds = (System.nanoTime() - t0) / 1e9;
        }
        double[] estimate = new double[estimates.size()], error = new double[estimates.size()], outliers = new double[estimates.size()];
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < estimates.size(); i++) {
            LayerStatistics e = estimates.get(i);
            LayerReport r = reached.stream().filter(l -> l.name().equals(e.name())).findFirst().orElseThrow();
            estimate[i] = e.loss().relative(s);
            error[i] = r.relError();
            outliers[i] = e.outlierRatio();
            rows.add(String.format(Locale.ROOT, "| %d | %s | %,d | %.4g | %.3f | %.4g | %.3f | %.5f |", e.block(), Linear.shortName(e.name()), e.params(),
                    estimate[i], Math.log10(estimate[i]), error[i], Math.log10(error[i]), outliers[i]));
        }
        double rho = spearman(estimate, error);
        append(out, "");
        append(out, String.format(Locale.ROOT, "### Estimate vs reached error: llama20m, SparseGPT uniform %.2f, %d × 2048 calibration tokens (%s, %d cores)",
                s, nsamples, backend.name(), Runtime.getRuntime().availableProcessors()));
        append(out, "");
        append(out, "| block | layer | params | Ē(s) | log10 Ē | reached rel. error | log10 | outlier ratio |");
        append(out, "|---|---|---|---|---|---|---|---|");
        for (String row : rows) append(out, row);
        append(out, "");
        append(out, String.format(Locale.ROOT, "Spearman ρ(Ē, reached) = **%.4f** over %d linears (acceptance: ≥ 0.8); ρ(OWL outlier ratio, reached) = %.4f. "
                + "Pre-pass %.1f s, SparseGPT %.1f s.", rho, estimate.length, spearman(outliers, error), prepassSeconds, compressSeconds));
    }

    /** Spearman's ρ: Pearson's correlation of the ranks, ties given their mean rank. */
    static double spearman(double[] a, double[] b) {
        return pearson(ranks(a), ranks(b));
    }

    static double[] ranks(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble(i -> v[i]));
        double[] rank = new double[v.length];
        for (int i = 0; i < v.length; ) {
            int j = i;
            while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) j++;
            for (int k = i; k <= j; k++) rank[order[k]] = (i + j) / 2.0 + 1;
            i = j + 1;
        }
        return rank;
    }

    static double pearson(double[] a, double[] b) {
        double ma = Arrays.stream(a).average().orElse(0), mb = Arrays.stream(b).average().orElse(0), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }

    // ---- (b) the ablation table ----

    static void table(Path model, int[] text, Backend backend, Map<String, String> opts, int nsamples, Path out) throws IOException {
        double[] targets = Arrays.stream(opts.getOrDefault("targets", "0.6,0.7,0.8").split(",")).mapToDouble(Double::parseDouble).toArray();
        int[] bits = Arrays.stream(opts.getOrDefault("bits", "0,4").split(",")).mapToInt(Integer::parseInt).toArray();
        List<Scheduler> schedulers = Arrays.stream(opts.getOrDefault("schedulers", "uniform,owl,hessian").split(","))
                .map(v -> ScheduleSettings.parse(Scheduler.class, "--schedulers", v)).toList();
        int levels = Integer.parseInt(opts.getOrDefault("levels", "2"));
        double step = Double.parseDouble(opts.getOrDefault("level-step", "0.02"));
        Granularity granularity = ScheduleSettings.parse(Granularity.class, "--granularity", opts.getOrDefault("granularity", "linear"));
        Clustering clustering = ScheduleSettings.parse(Clustering.class, "--clustering", opts.getOrDefault("clustering", "bins"));
        int evalWindows = Integer.parseInt(opts.getOrDefault("eval-windows", "0"));
        boolean dense = Boolean.parseBoolean(opts.getOrDefault("dense", "true"));

        append(out, "");
        append(out, String.format(Locale.ROOT, "### Scheduler ablation: llama20m, SparseGPT, WikiText-2 (2048-token windows%s), %d × 2048 calibration tokens; "
                        + "hessian: K %d, δ %.3g, %s, per %s; OWL: M 5, λ 0.08; bounds [0.3, 0.95] (%s, %d cores)",
                evalWindows > 0 ? ", first " + evalWindows + " windows only" : "", nsamples, levels, step, ScheduleSettings.name(clustering),
                ScheduleSettings.name(granularity), backend.name(), Runtime.getRuntime().availableProcessors()));
        append(out, "");
        append(out, "| target s* | weights | scheduler | WikiText-2 ppl | linear sparsity | bits/weight (linears) | bits/weight (model) | size vs F16 | compress s | eval s |");
        append(out, "|---|---|---|---|---|---|---|---|---|---|");
        if (dense) {
            PerplexityResult d = Llama20mStudy.eval(model, text, backend, evalWindows);
            append(out, String.format(Locale.ROOT, "| 0 | F16 | dense | %.2f | 0 | 16 | 16 | 1.000 | 0 | %.0f |", d.perplexity(), d.seconds()));
        }
        PrintStream log = Boolean.parseBoolean(opts.getOrDefault("quiet", "false")) ? new PrintStream(OutputStream.nullOutputStream()) : System.err;
        for (double target : targets) {
            for (int b : bits) {
                for (Scheduler scheduler : schedulers) {
                    ScheduleSettings schedule = new ScheduleSettings(scheduler, levels, step, 0.3, 0.95, granularity, clustering, 5, 0.08);
                    Path dir = Files.createTempDirectory("pare-ablation-").resolve("out");
                    try {
                        CompressionSettings settings = new CompressionSettings(model, dir, "sparsegpt", target, null, b, false, b > 0 ? 128 : 0, false, false,
                                128, 0.01, null, null, model.resolve("calib_128x2048_uint16.bin"), nsamples, 2048, 0, null, null, null,
                                List.of("SchedulerAblation", Double.toString(target), Integer.toString(b), ScheduleSettings.name(scheduler)), schedule, false);
                        CompressionJob.Summary s = new CompressionJob(settings, backend, log).run();
                        PerplexityResult ppl = Llama20mStudy.eval(dir, text, backend, evalWindows);
                        append(out, String.format(Locale.ROOT, "| %.2f | %s | %s | %.2f | %.4f | %.3f | %.3f | %.3f | %.0f | %.0f |", target,
                                b > 0 ? b + "-bit g128" : "F16", ScheduleSettings.name(scheduler), ppl.perplexity(), s.sparsity(), s.linearBitsPerWeight(),
                                s.bitsPerWeight(), (double) s.packedBytes() / s.denseBytes(), s.seconds(), ppl.seconds()));
                    } finally {
                        Llama20mStudy.deleteTree(dir.getParent());
                    }
                }
            }
        }
    }

    private static void append(Path out, String line) throws IOException {
        Llama20mStudy.append(out, line);
    }
}
