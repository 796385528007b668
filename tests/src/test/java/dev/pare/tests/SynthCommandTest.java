package dev.pare.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pare.model.LoadedModel;
import dev.pare.model.ModelConfig;
import dev.pare.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pare synth}: a random LLaMA-shaped checkpoint that Pare loads, compresses and evaluates like a real one. */
class SynthCommandTest {
    private static final String[] SMALL = {"--hidden", "128", "--layers", "2", "--intermediate", "320", "--heads", "4", "--kv-heads", "2",
            "--vocab", "500", "--context", "256"};

    private static Cli.Result synth(Path out, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("synth", "--out", out.toString()));
        args.addAll(List.of(SMALL));
        args.addAll(List.of(extra));
        return Cli.ok(args.toArray(String[]::new));
    }

    @Test
    void writesAShardedLlamaCheckpointWithTheAskedShapesAndStatistics(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("syn");
        synth(out, "--shard-size", "0.0002", "--seed", "7");
        JsonNode index = new ObjectMapper().readTree(out.resolve("model.safetensors.index.json").toFile());
        Set<String> files = new HashSet<>();
        index.get("weight_map").forEach(f -> files.add(f.asText()));
        assertTrue(files.size() > 1, "expected several shards: " + files);
        for (String f : files) assertTrue(Files.isRegularFile(out.resolve(f)), f);
        try (LoadedModel m = LoadedModel.open(out)) {
            ModelConfig c = m.model().config();
            assertEquals(List.of(128, 2, 320, 4, 2, 32, 500), List.of(c.hidden(), c.layers(), c.intermediate(), c.heads(), c.kvHeads(), c.headDim(), c.vocab()));
            assertFalse(m.hasTokenizer());
            assertEquals(index.get("weight_map").size(), m.model().tensors().size());
            Tensor up = m.model().source().get("model.layers.1.mlp.up_proj.weight");
            assertArrayEquals(new long[]{320, 128}, up.shape());
            double sum = 0, sq = 0;
            long n = up.numel();
            for (long i = 0; i < n; i++) {
                double v = up.getFloat(i);
                sum += v;
                sq += v * v;
            }
            double mean = sum / n, std = Math.sqrt(sq / n - mean * mean);
            assertEquals(0, mean, 4 * 0.02 / Math.sqrt(n), "mean of N(0, 0.02²) weights");
            assertEquals(0.02, std, 0.02 * 0.03, "std of N(0, 0.02²) weights");
            Tensor norm = m.model().source().get("model.layers.0.input_layernorm.weight");
            for (long i = 0; i < norm.numel(); i++) assertEquals(1f, norm.getFloat(i));
        }
    }

    @Test
    void theSeedFixesTheBytes(@TempDir Path tmp) {
        synth(tmp.resolve("a"), "--seed", "3");
        synth(tmp.resolve("b"), "--seed", "3");
        synth(tmp.resolve("c"), "--seed", "4");
        Path file = Path.of("model.safetensors");
        assertEquals(DemoModel.fingerprint(tmp.resolve("a")), DemoModel.fingerprint(tmp.resolve("b")));
        assertNotEquals(DemoModel.fingerprint(tmp.resolve("a")).get(file.toString()), DemoModel.fingerprint(tmp.resolve("c")).get(file.toString()));
    }

    @Test
    void theSyntheticModelCompressesFromTokenIds(@TempDir Path tmp) throws IOException {
        Path model = tmp.resolve("syn"), out = tmp.resolve("out"), tokens = tmp.resolve("calib.bin");
        synth(model);
        SplittableRandom random = new SplittableRandom(1);
        ByteBuffer b = ByteBuffer.allocate(2 * 4 * 64).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) b.putShort((short) random.nextInt(500));
        Files.write(tokens, b.array());
        Cli.ok("compress", "--model", model.toString(), "--out", out.toString(), "--method", "sparsegpt", "--sparsity", "0.5", "--bits", "4",
                "--calib-tokens", tokens.toString(), "--nsamples", "4", "--seqlen", "64");
        JsonNode report = new ObjectMapper().readTree(out.resolve("pare-report.json").toFile());
        assertEquals(14, report.get("layers").size());
        // Pruned to half, then some survivors round to a zero grid point.
        for (JsonNode l : report.get("layers")) assertTrue(l.get("sparsity").asDouble() >= 0.5 - 1e-3 && l.get("sparsity").asDouble() < 0.6, l.toString());
    }

    @Test
    void badShapesAreOneLineErrors(@TempDir Path tmp) {
        Cli.badInput(List.of("synth", "--out", tmp.resolve("x").toString(), "--hidden", "100", "--heads", "3"), "--hidden", "--heads");
        Cli.badInput(List.of("synth", "--out", tmp.resolve("x").toString(), "--heads", "32", "--kv-heads", "5"), "--kv-heads");
        Cli.badInput(List.of("synth", "--out", tmp.resolve("x").toString(), "--arch", "gpt5"), "--arch", "llama");
        Cli.badInput(List.of("synth", "--out", tmp.resolve("x").toString(), "--dtype", "i8"), "--dtype");
        assertFalse(Files.exists(tmp.resolve("x")));
    }
}
