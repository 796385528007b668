package dev.pare.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pare.backend.Backend;
import dev.pare.compress.CompressionJob;
import dev.pare.compress.CompressionSettings;
import dev.pare.compress.LayerReport;
import dev.pare.compress.NmPattern;
import dev.pare.eval.PerplexityResult;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Pare against the reference implementations (IST-DASLab sparsegpt/gptq, locuslab wanda) on llama20m: every run of
 * ../shared/models/llama20m/baselines.md with the same calibration tokens and settings, WikiText-2 perplexity of the
 * F16 result side by side, and block 0's per-matrix OBS errors against the ones the references printed.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.pare.bench.ReferenceParity [--runs a,b] [--out FILE.md]
 *     [--model DIR] [--eval-tokens wikitext2_uint16.bin] [--device cpu|cuda] [--percdamp 0.01]
 *     [--true-sequential true|false] [--calib-orders N|i,j,…]</pre>
 * Rows are appended to --out as they finish, so a partial run keeps what it measured; the options shared with the other
 * llama20m study are those of {@link Llama20mStudy}. With {@code --calib-orders N} every run is repeated over N orders
 * of the same 128 calibration windows (order 0 is the file's; a list of orders runs just those): the Hessians are the same sums in another order, so the
 * spread of those runs is the rounding noise of a run, and their mean is what two backends or two implementations
 * should agree on.
 */
public final class ReferenceParity {
    /** The runs of baselines.md in Pare's terms: method, sparsity, N:M, bits, group size, act-order. */
    record Run(String name, String method, double sparsity, NmPattern nm, int bits, int groupSize, boolean actOrder) {
    }

    static final List<Run> RUNS = List.of(
            new Run("magnitude_50", "magnitude", 0.5, null, 0, 0, false),
            new Run("magnitude_70", "magnitude", 0.7, null, 0, 0, false),
            new Run("wanda_50", "wanda", 0.5, null, 0, 0, false),
            new Run("wanda_70", "wanda", 0.7, null, 0, 0, false),
            new Run("sparsegpt_50", "sparsegpt", 0.5, null, 0, 0, false),
            new Run("sparsegpt_70", "sparsegpt", 0.7, null, 0, 0, false),
            new Run("sparsegpt_2of4", "sparsegpt", 0, new NmPattern(2, 4), 0, 0, false),
            new Run("sparsegpt_50_w4", "sparsegpt", 0.5, null, 4, 0, false),
            new Run("gptq_w4_pc", "gptq", 0, null, 4, 0, false),
            new Run("gptq_w4_pc_act", "gptq", 0, null, 4, 0, true),
            new Run("gptq_w3_pc", "gptq", 0, null, 3, 0, false),
            new Run("gptq_w3_pc_act", "gptq", 0, null, 3, 0, true),
            new Run("gptq_w4_g128", "gptq", 0, null, 4, 128, false),
            new Run("gptq_w4_g128_act", "gptq", 0, null, 4, 128, true),
            new Run("rtn_w4_pc", "rtn", 0, null, 4, 0, false),
            new Run("rtn_w3_pc", "rtn", 0, null, 3, 0, false));

    public static void main(String[] args) throws IOException {
        Map<String, String> opts = Llama20mStudy.options(args);
        Path model = Llama20mStudy.model(opts);
        Path out = Path.of(opts.getOrDefault("out", "parity.md"));
        List<String> only = opts.containsKey("runs") ? Arrays.asList(opts.get("runs").split(",")) : null;
        Map<String, JsonNode> reference = new LinkedHashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(model.resolve("baselines.jsonl"))) {
            JsonNode n = json.readTree(line);
            reference.put(n.get("run").asText(), n);
        }
        int[] evalTokens = Llama20mStudy.wikitext2(opts, model);
        // The references' damping; other values measure how far a run moves under a rounding-sized perturbation.
        double percdamp = Double.parseDouble(opts.getOrDefault("percdamp", "0.01"));
        // Default: each method's reference setting (GPTQ true-sequential, the pruners one pass per block).
        Boolean trueSequential = opts.containsKey("true-sequential") ? Boolean.valueOf(opts.get("true-sequential")) : null;
        String ordersOption = opts.getOrDefault("calib-orders", "1");
        int[] orders = ordersOption.contains(",")
                ? Arrays.stream(ordersOption.split(",")).mapToInt(Integer::parseInt).toArray()
                : IntStream.range(0, Integer.parseInt(ordersOption)).toArray();
        Path calibration = model.resolve("calib_128x2048_uint16.bin");
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        try (Backend backend = Llama20mStudy.backend(opts)) {
            append(out, "| run | Pare ppl | reference ppl | Pare / reference | sparsity | Pare seconds (" + backend.name() + ") |");
            append(out, "|---|---|---|---|---|---|");
            if (only == null || only.contains("dense")) {
                PerplexityResult dense = Llama20mStudy.eval(model, evalTokens, backend, 0);
                row(out, "dense", dense.perplexity(), reference.get("dense"), 0, 0);
            }
            for (Run run : RUNS) {
                if (only != null && !only.contains(run.name())) continue;
                double[] ppls = new double[orders.length];
                for (int i = 0; i < orders.length; i++) {
                    int order = orders[i];
                    Path tmp = Files.createTempDirectory("pare-parity-");
                    Path dir = tmp.resolve(run.name());
                    String name = orders.length == 1 && order == 0 ? run.name() : run.name() + " order " + order;
                    CompressionSettings settings = new CompressionSettings(model, dir, run.method(), run.sparsity(), run.nm(), run.bits(), false,
                            run.groupSize(), run.actOrder(), false, 128, percdamp, trueSequential, null, shuffledWindows(calibration, order, tmp),
                            128, 2048, 0, null, null, null, List.of("ReferenceParity", name));
                    CompressionJob.Summary s = new CompressionJob(settings, backend, quiet).run();
                    ppls[i] = Llama20mStudy.eval(dir, evalTokens, backend, 0).perplexity();
                    row(out, name, ppls[i], reference.get(run.name()), s.sparsity(), s.seconds());
                    if (order == 0) blockZeroErrors(out, run.name(), s.layers(), reference.get(run.name()));
                    Llama20mStudy.deleteTree(tmp);
                }
                if (orders.length > 1) spread(out, run.name(), ppls, reference.get(run.name()));
            }
        }
    }

    private static void row(Path out, String run, double ppl, JsonNode ref, double sparsity, double seconds) throws IOException {
        double refPpl = ref.get("ppl_wikitext2").asDouble();
        append(out, String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.4f | %.4f | %.1f |", run, ppl, refPpl, ppl / refPpl, sparsity, seconds));
    }

    /** The calibration windows of a uint16 file in a seeded random order (order 0: the file itself). */
    static Path shuffledWindows(Path file, int order, Path dir) throws IOException {
        if (order == 0) return file;
        byte[] bytes = Files.readAllBytes(file);
        int rowBytes = 2048 * Short.BYTES;
        List<Integer> rows = new ArrayList<>();
        for (int r = 0; r < bytes.length / rowBytes; r++) rows.add(r);
        Collections.shuffle(rows, new Random(order));
        byte[] shuffled = new byte[rows.size() * rowBytes];
        for (int r = 0; r < rows.size(); r++) System.arraycopy(bytes, rows.get(r) * rowBytes, shuffled, r * rowBytes, rowBytes);
        return Files.write(dir.resolve("calib-order-" + order + ".bin"), shuffled);
    }

    private static void spread(Path out, String run, double[] ppls, JsonNode ref) throws IOException {
        DoubleSummaryStatistics stats = Arrays.stream(ppls).summaryStatistics();
        double mean = stats.getAverage();
        double sd = Math.sqrt(Arrays.stream(ppls).map(p -> (p - mean) * (p - mean)).sum() / (ppls.length - 1));
        append(out, String.format(Locale.ROOT, "| %s over %d orders: mean %.2f, sd %.2f (%.2f%%), range %.2f–%.2f | | %.4f | | |",
                run, ppls.length, mean, sd, 100 * sd / mean, stats.getMin(), stats.getMax(), mean / ref.get("ppl_wikitext2").asDouble()));
    }

    /** Block 0's per-matrix errors, Pare next to the reference's printout (the inputs of block 0 are the same embeddings). */
    private static void blockZeroErrors(Path out, String run, List<LayerReport> layers, JsonNode ref) throws IOException {
        if (!ref.has("errors") || ref.get("errors").isEmpty()) return;
        List<String> cells = new ArrayList<>();
        for (JsonNode e : ref.get("errors")) {
            if (e.get("layer").asInt() != 0) continue;
            String name = e.get("name").asText();
            LayerReport mine = layers.stream().filter(l -> l.block() == 0 && l.name().endsWith(name + ".weight")).findFirst().orElseThrow();
            cells.add(String.format(Locale.ROOT, "%s %.5g/%.5g (%.4f)", name, mine.obsLoss(), e.get("error").asDouble(), mine.obsLoss() / e.get("error").asDouble()));
        }
        append(out, "|  ↳ " + run + " block 0 error Pare/ref | " + String.join("; ", cells) + " | | | | |");
    }

    private static void append(Path out, String line) throws IOException {
        Llama20mStudy.append(out, line);
    }
}
