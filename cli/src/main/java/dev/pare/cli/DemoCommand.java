package dev.pare.cli;

import dev.pare.PareException;
import dev.pare.backend.Backend;
import dev.pare.compress.CompressionJob;
import dev.pare.compress.CompressionSettings;
import dev.pare.model.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Pare's main job on the embedded model (models/pare-demo), with nothing from outside the repository: SparseGPT 50%
 * with joint 4-bit quantization, calibrated on the model's own calib.txt, perplexity and size before and after.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Compress the embedded pare-demo model (SparseGPT 50% + 4-bit) and compare before/after.")
final class DemoCommand implements Callable<Integer> {
    static final String PROMPT = "And God said";

    @Option(names = "--out", description = "where to write the compressed model (default: a new temporary folder)")
    Path out;

    @Option(names = "--verbose", description = "show the per-layer log")
    boolean verbose;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Override
    public Integer call() {
        Path dir = embeddedModel();
        Path target = out != null ? out : temporaryOutput();
        System.out.println("Pare demo: compressing the embedded model " + dir);
        CompressionSettings settings = new CompressionSettings(dir, target, "sparsegpt", 0.5, null, 4, false, 0, false, false, 128, 0.01,
                null, dir.resolve("calib.txt"), null, 128, 512, 0, dir.resolve("eval.txt"), null, 512,
                List.of("pare", "demo"));
        PrintStream log = verbose ? System.err : new PrintStream(OutputStream.nullOutputStream());
        try (Backend backend = common.backend()) {
            CompressionJob.Summary s = new CompressionJob(settings, backend, log).run();
            System.out.printf(Locale.ROOT, "  method       SparseGPT, 50%% unstructured + 4-bit per-channel (joint), 128 × 512 calibration tokens from calib.txt%n");
            System.out.printf(Locale.ROOT, "  %-12s %12s %12s%n", "", "dense", "compressed");
            System.out.printf(Locale.ROOT, "  %-12s %12.3f %12.3f   (eval.txt, %d windows of 512 tokens)%n", "perplexity",
                    s.dense().perplexity(), s.compressed().perplexity(), s.dense().windows());
            System.out.printf(Locale.ROOT, "  %-12s %12s %12s   (packed: bitmask + 4-bit values + scales; embeddings stay F16)%n", "size",
                    kib(s.denseBytes()), kib(s.packedBytes()));
            System.out.printf(Locale.ROOT, "  %-12s %12s %12.3f%n", "sparsity", "0", s.sparsity());
            System.out.printf(Locale.ROOT, "  %-12s %12.1f %12.1f   (seconds: dense eval; calibration + compression + both evals)%n", "seconds",
                    s.dense().seconds(), s.seconds());
            System.out.println("  written to " + s.out());
            try (LoadedModel m = LoadedModel.open(s.out())) {
                System.out.print("  greedy (compressed): ");
                GenerateCommand.generate(m, backend, PROMPT, 24, false, true);
                System.out.println();
            }
        }
        return 0;
    }

    private static String kib(long bytes) {
        return String.format(Locale.ROOT, "%,d KiB", bytes / 1024);
    }

    private static Path temporaryOutput() {
        try {
            return Files.createTempDirectory("pare-demo-").resolve("pare-demo-sparsegpt50-w4");
        } catch (IOException e) {
            throw new PareException("cannot create a temporary folder for the demo's output (" + e.getMessage() + "); pass --out DIR");
        }
    }

    /** models/pare-demo of the Pare checkout: from -Dpare.home (set by ./pare), else beside the jar. */
    static Path embeddedModel() {
        String home = System.getProperty("pare.home");
        Path root;
        if (home != null) {
            root = Path.of(home);
        } else {
            try {
                // cli/target/pare.jar → the checkout
                root = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent().getParent().getParent();
            } catch (URISyntaxException | RuntimeException e) {
                root = Path.of(".");
            }
        }
        Path dir = root.resolve("models/pare-demo");
        if (!Files.isDirectory(dir)) throw new PareException(dir + ": the embedded demo model is missing (run from a Pare checkout, or set -Dpare.home)");
        return dir;
    }
}
