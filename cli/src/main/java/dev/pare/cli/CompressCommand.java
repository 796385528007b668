package dev.pare.cli;

import dev.pare.backend.Backend;
import dev.pare.compress.CompressionJob;
import dev.pare.compress.CompressionSettings;
import dev.pare.compress.NmPattern;
import dev.pare.compress.schedule.ScheduleSettings;
import dev.pare.compress.schedule.ScheduleSettings.Clustering;
import dev.pare.compress.schedule.ScheduleSettings.Granularity;
import dev.pare.compress.schedule.ScheduleSettings.Scheduler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "compress", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prune and/or quantize a model layer by layer on calibration data (SparseGPT, GPTQ, Wanda, magnitude, RTN).",
                "Writes a Hugging Face folder with the same tensors (dense, holding zeros and grid values) and pare-report.json."})
final class CompressCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "input: Hugging Face model folder or llama2.c .bin (never modified)")
    Path model;

    @Option(names = "--out", description = "output folder (new or empty); required unless --dry-run")
    Path out;

    @Option(names = "--method", required = true, description = "magnitude | wanda | sparsegpt | gptq | rtn")
    String method;

    @Option(names = "--sparsity", defaultValue = "0", description = "fraction of weights to remove, in [0, 1): every layer's (uniform) or the parameter-weighted mean (owl, hessian)")
    double sparsity;

    @Option(names = "--nm", description = "N:M semi-structured sparsity, e.g. 2:4 or 4:8")
    String nm;

    @Option(names = "--bits", defaultValue = "0", description = "quantize to this many bits (2..8); with sparsegpt: joint pruning + quantization")
    int bits;

    @Option(names = "--sym", description = "symmetric grid (default: asymmetric min-max, as the references)")
    boolean sym;

    @Option(names = "--group-size", defaultValue = "0", description = "one grid per this many input columns (default: one per output channel)")
    int groupSize;

    @Option(names = "--act-order", description = "GPTQ: quantize columns by decreasing Hessian diagonal")
    boolean actOrder;

    @Option(names = "--static-groups", description = "GPTQ: fit every group's grid before the sweep (inference-friendly with --act-order)")
    boolean staticGroups;

    @Option(names = "--blocksize", defaultValue = "128", description = "columns per lazy-update block (default: ${DEFAULT-VALUE})")
    int blocksize;

    @Option(names = "--percdamp", defaultValue = "0.01", description = "Hessian damping as a fraction of mean(diag H) (default: ${DEFAULT-VALUE})")
    double percdamp;

    @Option(names = "--true-sequential", negatable = true, description = "compress q,k,v → o → gate,up → down, re-measuring in between (default: on for gptq, off for the pruners)")
    Boolean trueSequential;

    @Option(names = "--calib", description = "calibration text file: --nsamples random windows of --seqlen tokens")
    Path calib;

    @Option(names = "--calib-tokens", description = "calibration token ids: safetensors with I32 input_ids [n, seqlen], or raw uint16 .bin")
    Path calibTokens;

    @Option(names = "--nsamples", defaultValue = "128", description = "calibration windows (default: ${DEFAULT-VALUE})")
    int nsamples;

    @Option(names = "--seqlen", description = "calibration window length (default: min(2048, the model's context))")
    Integer seqlen;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the calibration windows (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--eval", description = "evaluate perplexity on this text before and after")
    Path eval;

    @Option(names = "--eval-wikitext2", description = "evaluate perplexity on wiki.test.raw (HF wikitext-2-raw-v1 test split) before and after")
    Path evalWikitext2;

    @Option(names = "--eval-seqlen", description = "evaluation window length (default: min(2048, the model's context))")
    Integer evalSeqlen;

    @Option(names = "--scheduler", defaultValue = "uniform", description = "per-layer sparsity: uniform | owl (outlier-weighed) | hessian (inverse-Hessian loss estimate, log-levels) (default: ${DEFAULT-VALUE}, the best measured; see bench/RESULTS.md)")
    String scheduler;

    // K = 2 and δ = 0.02: the best setting of the llama20m sweep in bench/RESULTS.md (the only one to beat uniform, at 0.7).
    @Option(names = "--levels", defaultValue = "2", description = "hessian: number K of log-error levels (default: ${DEFAULT-VALUE})")
    int levels;

    @Option(names = "--level-step", defaultValue = "0.02", description = "hessian: sparsity step δ between adjacent levels (default: ${DEFAULT-VALUE})")
    double levelStep;

    @Option(names = "--min-sparsity", defaultValue = "0.3", description = "owl, hessian: no layer pruned less (default: ${DEFAULT-VALUE})")
    double minSparsity;

    @Option(names = "--max-sparsity", defaultValue = "0.95", description = "owl, hessian: no layer pruned more (default: ${DEFAULT-VALUE})")
    double maxSparsity;

    @Option(names = "--schedule-granularity", defaultValue = "linear", description = "owl, hessian: one sparsity per linear | block (default: ${DEFAULT-VALUE})")
    String granularity;

    @Option(names = "--level-clustering", defaultValue = "bins", description = "hessian: equal-width bins over [min λ, max λ] | kmeans (optimal 1-D) (default: ${DEFAULT-VALUE})")
    String clustering;

    @Option(names = "--owl-m", defaultValue = "5", description = "owl: outlier threshold, a multiple of the layer's mean |W|·‖X‖ (default: ${DEFAULT-VALUE})")
    double owlM;

    @Option(names = "--owl-lambda", defaultValue = "0.08", description = "owl: outlier ratios scaled to [0, 2λ] (default: ${DEFAULT-VALUE})")
    double owlLambda;

    @Option(names = "--dry-run", description = "compute and print the schedule, compress nothing; with --out, write only pare-report.json and " + CompressionJob.PLOT + " there")
    boolean dryRun;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        List<String> command = new ArrayList<>(List.of("pare", "compress"));
        command.addAll(spec.commandLine().getParseResult().originalArgs());
        ScheduleSettings schedule = new ScheduleSettings(ScheduleSettings.parse(Scheduler.class, "--scheduler", scheduler), levels, levelStep,
                minSparsity, maxSparsity, ScheduleSettings.parse(Granularity.class, "--schedule-granularity", granularity),
                ScheduleSettings.parse(Clustering.class, "--level-clustering", clustering), owlM, owlLambda);
        CompressionSettings settings = new CompressionSettings(model, out, method, sparsity, nm == null ? null : NmPattern.parse(nm), bits, sym,
                groupSize, actOrder, staticGroups, blocksize, percdamp, trueSequential, calib, calibTokens, nsamples, seqlen, seed,
                eval, evalWikitext2, evalSeqlen, command, schedule, dryRun);
        try (Backend backend = common.backend()) {
            CompressionJob.Summary s = new CompressionJob(settings, backend, System.err).run();
            if (dryRun) {
                if (s.schedule() == null) System.out.println("--method " + method + " only quantizes: no sparsity schedule");
                else s.schedule().printTable(System.out);
                if (s.out() != null) System.out.println("wrote " + s.out().resolve("pare-report.json") + " and " + CompressionJob.PLOT + " (no model: dry run)");
            } else {
                print(s);
            }
        }
        return 0;
    }

    static void print(CompressionJob.Summary s) {
        System.out.printf(Locale.ROOT, "wrote %s in %.1f s: linear sparsity %.4f, %.2f bits/weight packed (linears %.2f; %.1f%% of F16: %,d → %,d bytes)%n",
                s.out(), s.seconds(), s.sparsity(), s.bitsPerWeight(), s.linearBitsPerWeight(), 100.0 * s.packedBytes() / s.denseBytes(),
                s.denseBytes(), s.packedBytes());
        if (s.dense() != null)
            System.out.printf(Locale.ROOT, "perplexity: dense %.4f → compressed %.4f (%d windows × %d tokens)%n",
                    s.dense().perplexity(), s.compressed().perplexity(), s.dense().windows(), s.dense().seqlen());
    }
}
