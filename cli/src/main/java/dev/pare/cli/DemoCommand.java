package dev.pare.cli;

import dev.pare.PareException;
import dev.pare.backend.Backend;
import dev.pare.eval.Perplexity;
import dev.pare.eval.PerplexityResult;
import dev.pare.model.LoadedModel;
import dev.pare.util.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Pare's main job on the embedded model (models/pare-demo), with nothing from outside the repository. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run Pare's main job on the embedded pare-demo model.")
final class DemoCommand implements Callable<Integer> {
    static final String PROMPT = "And God said";

    @Mixin
    CommonOptions common = new CommonOptions();

    @Override
    public Integer call() {
        Path dir = embeddedModel();
        System.out.println("Pare demo on the embedded model " + dir);
        try (LoadedModel m = LoadedModel.open(dir); Backend backend = common.backend()) {
            var c = m.model().config();
            System.out.printf(Locale.ROOT, "  %s: %,d parameters, %d layers, hidden %d, %d heads / %d KV heads, vocab %d%n",
                    c.hfArchitecture(), m.model().parameterCount(), c.layers(), c.hidden(), c.heads(), c.kvHeads(), c.vocab());
            int[] ids = m.tokenizer().encode(read(dir.resolve("eval.txt")));
            PerplexityResult r = Perplexity.evaluate(m.model(), backend, ids, 512, new Progress(System.err, "  eval: window", ids.length / 512, "tokens"));
            System.out.printf(Locale.ROOT, "  perplexity on eval.txt (512-token windows): %.3f  (%d windows, %.1f s, %.0f tokens/s)%n",
                    r.perplexity(), r.windows(), r.seconds(), r.tokens() / r.seconds());
            System.out.print("  greedy: ");
            GenerateCommand.generate(m, backend, PROMPT, 24, false, true);
            System.out.println();
        }
        return 0;
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

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new PareException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }
}
