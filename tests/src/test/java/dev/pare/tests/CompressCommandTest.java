package dev.pare.tests;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pare.io.SafetensorsFile;
import dev.pare.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pare compress} end to end on the embedded model: SparseGPT 50% with joint 4-bit quantization once (shared by
 * the tests that look at its output), then each other method once, small, to show its output loads and has its pattern.
 */
class CompressCommandTest {
    /** The weights compression rewrites: the seven projections of each block. */
    private static final Pattern LINEAR = Pattern.compile("model\\.layers\\.\\d+\\.(self_attn|mlp)\\.\\w+_proj\\.weight");
    private static final String Q_PROJ_0 = "model.layers.0.self_attn.q_proj.weight";
    private static final int LINEARS = 4 * 7;

    @TempDir
    static Path tmp;
    static Path out;
    static Cli.Result sparsegpt;
    static Map<String, String> inputBefore, inputAfter;
    static Path shortEval, shortCalib;

    @BeforeAll
    static void compressTheDemoModelWithSparseGpt() {
        shortEval = DemoModel.excerpt(DemoModel.evalText(), 8_000, tmp.resolve("eval-excerpt.txt"));
        shortCalib = DemoModel.excerpt(DemoModel.calibText(), 20_000, tmp.resolve("calib-excerpt.txt"));
        out = tmp.resolve("out");
        inputBefore = DemoModel.fingerprint(DemoModel.dir());
        sparsegpt = Cli.run("compress", "--model", DemoModel.dir().toString(), "--out", out.toString(), "--method", "sparsegpt",
                "--sparsity", "0.5", "--bits", "4", "--calib", DemoModel.calibText().toString(), "--nsamples", "16", "--seqlen", "128");
        inputAfter = DemoModel.fingerprint(DemoModel.dir());
    }

    @Test
    void sparsegptWritesAHuggingFaceFolderWithItsReport() throws IOException {
        assertEquals(0, sparsegpt.exitCode(), sparsegpt::toString);
        for (String f : List.of("config.json", "tokenizer.json", "model.safetensors", "pare-report.json"))
            assertTrue(Files.isRegularFile(out.resolve(f)), () -> f + " missing from " + out + "\n" + sparsegpt);
        assertTrue(sparsegpt.stdout().startsWith("wrote " + out), sparsegpt::toString);
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertEquals(List.of(), siblings.filter(p -> p.getFileName().toString().startsWith(".")).toList(), "hidden leftovers");
        }
    }

    @Test
    void theInputModelIsLeftAsItWas() {
        assertEquals(inputBefore, inputAfter);
    }

    @Test
    void theOutputHoldsTheInputsTensorsByNameDtypeAndShape() {
        try (SafetensorsFile in = SafetensorsFile.open(DemoModel.dir().resolve(DemoModel.WEIGHTS));
             SafetensorsFile o = SafetensorsFile.open(out.resolve(DemoModel.WEIGHTS))) {
            assertEquals(new TreeSet<>(in.names()), new TreeSet<>(o.names()));
            for (String name : in.names()) {
                Tensor a = in.get(name), b = o.get(name);
                assertEquals(a.dtype(), b.dtype(), name);
                assertArrayEquals(a.shape(), b.shape(), name);
            }
        }
    }

    @Test
    void everyLinearIsHalfZeros() {
        int linears = 0;
        try (SafetensorsFile o = SafetensorsFile.open(out.resolve(DemoModel.WEIGHTS))) {
            for (String name : o.names()) {
                if (!LINEAR.matcher(name).matches()) continue;
                linears++;
                Tensor t = o.get(name);
                long zeros = 0;
                for (long i = 0; i < t.numel(); i++) if (t.getFloat(i) == 0f) zeros++;
                double sparsity = (double) zeros / t.numel();
                assertTrue(sparsity >= 0.49 && sparsity <= 0.52, name + ": sparsity " + sparsity);
            }
        }
        assertEquals(LINEARS, linears);
    }

    @Test
    void everyRowOfAQuantizedLinearLiesOnOneFourBitGrid() {
        try (SafetensorsFile o = SafetensorsFile.open(out.resolve(DemoModel.WEIGHTS))) {
            Tensor q = o.get(Q_PROJ_0);
            int rows = (int) q.shape()[0], cols = (int) q.shape()[1];
            for (int r = 0; r < rows; r++) Grids.assertOnGrid(row(q, r, 0, cols), 4, Q_PROJ_0 + " row " + r);
        }
    }

    @Test
    void embeddingNormsAndHeadAreByteIdenticalToTheInput() {
        int untouched = 0;
        try (SafetensorsFile in = SafetensorsFile.open(DemoModel.dir().resolve(DemoModel.WEIGHTS));
             SafetensorsFile o = SafetensorsFile.open(out.resolve(DemoModel.WEIGHTS))) {
            for (String name : in.names()) {
                if (LINEAR.matcher(name).matches()) continue;
                untouched++;
                assertArrayEquals(in.get(name).data().toArray(ValueLayout.JAVA_BYTE), o.get(name).data().toArray(ValueLayout.JAVA_BYTE), name);
            }
        }
        // embed_tokens, lm_head, model.norm, and two norms per block
        assertEquals(3 + 2 * 4, untouched);
    }

    @Test
    void theReportHasOneEntryPerLinearWithTotalsAndTheCommand() throws IOException {
        JsonNode report = DemoModel.JSON.readTree(out.resolve("pare-report.json").toFile());
        JsonNode layers = report.get("layers");
        assertEquals(LINEARS, layers.size());
        Set<String> names = new TreeSet<>();
        for (JsonNode layer : layers) {
            String name = layer.get("name").asText();
            assertTrue(LINEAR.matcher(name).matches(), name);
            names.add(name);
            for (String field : List.of("sparsity", "rel_error", "obs_loss", "percdamp", "seconds"))
                assertTrue(layer.path(field).isNumber(), () -> name + ": '" + field + "' is " + layer.get(field));
            assertEquals(0.5, layer.get("sparsity").asDouble(), 0.02, name);
            assertTrue(layer.get("rel_error").asDouble() > 0 && layer.get("rel_error").asDouble() < 1, name);
        }
        assertEquals(LINEARS, names.size(), "each linear once");
        JsonNode totals = report.get("totals");
        assertEquals(0.5, totals.get("linear_sparsity").asDouble(), 0.01);
        assertTrue(totals.get("packed_bytes").asLong() < totals.get("dense_f16_bytes").asLong(), totals::toString);
        List<String> command = new ArrayList<>();
        report.get("command").forEach(c -> command.add(c.asText()));
        assertEquals(List.of("pare", "compress"), command.subList(0, 2));
        assertTrue(command.containsAll(List.of("--method", "sparsegpt", "--sparsity", "0.5", "--bits", "4")), command::toString);
    }

    @Test
    void theOutputEvaluatesWithPerplexityCloseToTheDenseModel() throws IOException {
        double dense = perplexity(DemoModel.dir());
        double compressed = perplexity(out);
        // 50% + 4-bit on a 1.3M-parameter model costs some perplexity, but it must stay the same model.
        assertTrue(compressed > dense * 0.98 && compressed < dense * 2, "dense " + dense + ", compressed " + compressed);
    }

    // --- the other methods: each one small run, loadable output with its method's pattern ---

    @Test
    void gptqThreeBitActOrderWithStaticGroupsKeepsOneGridPerGroupOfColumns() throws IOException {
        Path o = compress("gptq", "--bits", "3", "--group-size", "32", "--act-order", "--static-groups", "--calib", shortCalib.toString());
        try (SafetensorsFile st = SafetensorsFile.open(o.resolve(DemoModel.WEIGHTS))) {
            Tensor q = st.get(Q_PROJ_0);
            int rows = (int) q.shape()[0], cols = (int) q.shape()[1];
            for (int r = 0; r < rows; r++)
                for (int g = 0; g < cols; g += 32) Grids.assertOnGrid(row(q, r, g, g + 32), 3, Q_PROJ_0 + " row " + r + " columns " + g + "..");
        }
    }

    @Test
    void wandaTwoFourZeroesTwoOfEveryFourColumns() throws IOException {
        Path o = compress("wanda", "--nm", "2:4", "--calib", shortCalib.toString());
        try (SafetensorsFile st = SafetensorsFile.open(o.resolve(DemoModel.WEIGHTS))) {
            for (String name : st.names()) {
                if (!LINEAR.matcher(name).matches()) continue;
                Tensor t = st.get(name);
                int cols = (int) t.shape()[1];
                for (long i = 0; i < t.numel(); i += 4) {
                    int zeros = 0;
                    for (int j = 0; j < 4; j++) if (t.getFloat(i + j) == 0f) zeros++;
                    assertTrue(zeros >= 2, name + " row " + i / cols + " columns " + i % cols + "..: " + zeros + " zeros of 4");
                }
            }
        }
    }

    @Test
    void magnitudeThirtyPercentZeroesAThirdOfEachLinear() throws IOException {
        Path o = compress("magnitude", "--sparsity", "0.3");
        try (SafetensorsFile st = SafetensorsFile.open(o.resolve(DemoModel.WEIGHTS))) {
            for (String name : st.names()) {
                if (!LINEAR.matcher(name).matches()) continue;
                Tensor t = st.get(name);
                long zeros = 0;
                for (long i = 0; i < t.numel(); i++) if (t.getFloat(i) == 0f) zeros++;
                assertEquals(0.3, (double) zeros / t.numel(), 0.01, name);
            }
        }
    }

    @Test
    void rtnFourBitPutsEveryRowOnOneGrid() throws IOException {
        Path o = compress("rtn", "--bits", "4");
        try (SafetensorsFile st = SafetensorsFile.open(o.resolve(DemoModel.WEIGHTS))) {
            Tensor q = st.get(Q_PROJ_0);
            int rows = (int) q.shape()[0], cols = (int) q.shape()[1];
            for (int r = 0; r < rows; r++) Grids.assertOnGrid(row(q, r, 0, cols), 4, Q_PROJ_0 + " row " + r);
        }
    }

    /** Compresses the demo model with {@code method} and small calibration; checks the output loads and evaluates. */
    private static Path compress(String method, String... options) throws IOException {
        Path o = tmp.resolve(method);
        List<String> args = new ArrayList<>(List.of("compress", "--model", DemoModel.dir().toString(), "--out", o.toString(),
                "--method", method, "--nsamples", "8", "--seqlen", "128"));
        args.addAll(Arrays.asList(options));
        Cli.ok(args.toArray(String[]::new));
        assertEquals(LINEARS, DemoModel.JSON.readTree(o.resolve("pare-report.json").toFile()).get("layers").size(), method);
        double ppl = perplexity(o);
        assertTrue(Double.isFinite(ppl) && ppl > 1, method + ": perplexity " + ppl);
        return o;
    }

    /** pare eval --json on the short excerpt: every block loads, is checked, and runs. */
    private static double perplexity(Path model) throws IOException {
        Cli.Result r = Cli.ok("eval", "--model", model.toString(), "--text", shortEval.toString(), "--seqlen", "256", "--json");
        return DemoModel.JSON.readTree(r.stdout()).get("perplexity").asDouble();
    }

    private static float[] row(Tensor t, int r, int c0, int c1) {
        long cols = t.shape()[1];
        float[] v = new float[c1 - c0];
        for (int c = c0; c < c1; c++) v[c - c0] = t.getFloat(r * cols + c);
        return v;
    }
}
