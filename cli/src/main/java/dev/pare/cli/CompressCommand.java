package dev.pare.cli;

import dev.pare.backend.Backend;
import dev.pare.compress.CompressionJob;
import dev.pare.compress.CompressionSettings;
import dev.pare.compress.NmPattern;
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

    @Option(names = "--out", required = true, description = "output folder (new or empty)")
    Path out;

    @Option(names = "--method", required = true, description = "magnitude | wanda | sparsegpt | gptq | rtn")
    String method;

    @Option(names = "--sparsity", defaultValue = "0", description = "fraction of weights to remove, in [0, 1)")
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

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        List<String> command = new ArrayList<>(List.of("pare", "compress"));
        command.addAll(spec.commandLine().getParseResult().originalArgs());
        CompressionSettings settings = new CompressionSettings(model, out, method, sparsity, nm == null ? null : NmPattern.parse(nm), bits, sym,
                groupSize, actOrder, staticGroups, blocksize, percdamp, trueSequential, calib, calibTokens, nsamples, seqlen, seed,
                eval, evalWikitext2, evalSeqlen, command);
        try (Backend backend = common.backend()) {
            CompressionJob.Summary s = new CompressionJob(settings, backend, System.err).run();
            print(s);
        }
        return 0;
    }

    static void print(CompressionJob.Summary s) {
        System.out.printf(Locale.ROOT, "wrote %s in %.1f s: linear sparsity %.4f, %.2f bits/weight packed (%.1f%% of F16: %,d → %,d bytes)%n",
                s.out(), s.seconds(), s.sparsity(), s.bitsPerWeight(), 100.0 * s.packedBytes() / s.denseBytes(), s.denseBytes(), s.packedBytes());
        if (s.dense() != null)
            System.out.printf(Locale.ROOT, "perplexity: dense %.4f → compressed %.4f (%d windows × %d tokens)%n",
                    s.dense().perplexity(), s.compressed().perplexity(), s.dense().windows(), s.dense().seqlen());
    }
}
