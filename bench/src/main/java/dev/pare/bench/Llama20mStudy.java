package dev.pare.bench;

import dev.pare.backend.Backend;
import dev.pare.backend.Backends;
import dev.pare.backend.cuda.GpuMath;
import dev.pare.calib.CalibrationSet;
import dev.pare.eval.Perplexity;
import dev.pare.eval.PerplexityResult;
import dev.pare.eval.WikiText2;
import dev.pare.model.LoadedModel;
import dev.pare.util.Progress;
import dev.pare.util.ProjectFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the llama20m studies ({@link ReferenceParity}, {@link SchedulerAblation}) share: their options, where the model
 * and WikiText-2 come from, the backend, evaluation, and a markdown file that rows are appended to as runs finish.
 * <ul>
 *   <li>{@code --model DIR}: defaults to ../shared/models/llama20m;</li>
 *   <li>{@code --eval-tokens FILE}: WikiText-2 already tokenized (raw little-endian uint16), for machines where the
 *   tokenizer's native library is not carried; otherwise ../shared/data/wiki.test.raw is tokenized;</li>
 *   <li>{@code --device cpu|cuda|cuda:N|auto}: the backend (default cpu);</li>
 *   <li>{@code --gpu-math fp32|tf32|bf16}: the GPU's forward-pass products (default fp32; compression stays FP32).</li>
 * </ul>
 */
final class Llama20mStudy {
    private Llama20mStudy() {
    }

    /** {@code --key value} pairs. */
    static Map<String, String> options(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) throw new IllegalArgumentException("expected --option value pairs, got " + Arrays.toString(args));
            m.put(args[i].substring(2), args[i + 1]);
        }
        return m;
    }

    static Path model(Map<String, String> opts) {
        if (opts.containsKey("model")) return Path.of(opts.get("model"));
        return ProjectFiles.shared("models/llama20m").orElseThrow(() -> new IllegalStateException("../shared not present: the study needs llama20m (or --model DIR)"));
    }

    static Backend backend(Map<String, String> opts) {
        return Backends.create(opts.getOrDefault("device", "cpu"), Runtime.getRuntime().availableProcessors(),
                GpuMath.parse(opts.getOrDefault("gpu-math", "fp32")), line -> System.err.println("pare: " + line));
    }

    /** WikiText-2's test split as the model's token ids. */
    static int[] wikitext2(Map<String, String> opts, Path model) throws IOException {
        if (opts.containsKey("eval-tokens")) return CalibrationSet.readUint16(Path.of(opts.get("eval-tokens")));
        Path raw = ProjectFiles.shared("data/wiki.test.raw").orElseThrow(() -> new IllegalStateException("../shared not present: data/wiki.test.raw (or --eval-tokens FILE)"));
        try (LoadedModel m = LoadedModel.open(model)) {
            return m.tokenizer().encode(WikiText2.rebuild(raw));
        }
    }

    /** Perplexity over 2048-token windows; {@code windows > 0} keeps only the first ones (smoke runs). */
    static PerplexityResult eval(Path model, int[] ids, Backend backend, int windows) {
        if (windows > 0) ids = Arrays.copyOf(ids, Math.min(ids.length, windows * 2048));
        try (LoadedModel m = LoadedModel.open(model)) {
            return Perplexity.evaluate(m.model(), backend, ids, 2048, new Progress(System.err, "  eval " + model.getFileName() + ": window", ids.length / 2048, "tokens"));
        }
    }

    /** Prints the line and appends it to out. */
    static void append(Path out, String line) throws IOException {
        System.out.println(line);
        if (out.getParent() != null) Files.createDirectories(out.getParent());
        Files.writeString(out, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
