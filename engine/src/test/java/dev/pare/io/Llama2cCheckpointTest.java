package dev.pare.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pare.PareException;
import dev.pare.ReferenceSafetensors;
import dev.pare.SharedTestData;
import dev.pare.tensor.DType;
import dev.pare.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.function.IntToDoubleFunction;

import static org.junit.jupiter.api.Assertions.*;

class Llama2cCheckpointTest {
    // dim, hidden, layers, heads, kv heads, vocab (negative: unshared classifier), seq
    private static final int[] SMALL = {24, 40, 2, 4, 2, -11, 6};

    @Test
    void storiesHeaderShapesAndConfig() {
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(SharedTestData.shared("models/stories260K/stories260K.bin"))) {
            assertEquals(new Llama2cCheckpoint.Config(64, 172, 5, 8, 4, 512, 512, true), ckpt.config());
            assertEquals(8, ckpt.config().headSize());
            assertEquals(32, ckpt.config().kvDim());
            assertEquals(1 + 9 * 5 + 2, ckpt.names().size());
            assertShape(ckpt, "model.embed_tokens.weight", 512, 64);
            assertShape(ckpt, "lm_head.weight", 512, 64);
            assertShape(ckpt, "model.layers.4.input_layernorm.weight", 64);
            assertShape(ckpt, "model.layers.4.self_attn.q_proj.weight", 64, 64);
            assertShape(ckpt, "model.layers.4.self_attn.k_proj.weight", 32, 64);
            assertShape(ckpt, "model.layers.4.self_attn.v_proj.weight", 32, 64);
            assertShape(ckpt, "model.layers.4.self_attn.o_proj.weight", 64, 64);
            assertShape(ckpt, "model.layers.4.post_attention_layernorm.weight", 64);
            assertShape(ckpt, "model.layers.4.mlp.gate_proj.weight", 172, 64);
            assertShape(ckpt, "model.layers.4.mlp.up_proj.weight", 172, 64);
            assertShape(ckpt, "model.layers.4.mlp.down_proj.weight", 64, 172);
            assertShape(ckpt, "model.norm.weight", 64);
            // A shared classifier is the embedding itself, not a copy.
            assertEquals(ckpt.get("model.embed_tokens.weight").data().address(), ckpt.get("lm_head.weight").data().address());

            ObjectNode hf = ckpt.hfConfig();
            assertEquals("LlamaForCausalLM", hf.get("architectures").get(0).asText());
            assertEquals("llama", hf.get("model_type").asText());
            assertEquals(64, hf.get("hidden_size").asInt());
            assertEquals(172, hf.get("intermediate_size").asInt());
            assertEquals(5, hf.get("num_hidden_layers").asInt());
            assertEquals(8, hf.get("num_attention_heads").asInt());
            assertEquals(4, hf.get("num_key_value_heads").asInt());
            assertEquals(8, hf.get("head_dim").asInt());
            assertEquals(512, hf.get("vocab_size").asInt());
            assertEquals(512, hf.get("max_position_embeddings").asInt());
            assertEquals(1e-5, hf.get("rms_norm_eps").asDouble());
            assertEquals(10000.0, hf.get("rope_theta").asDouble());
            assertTrue(hf.get("tie_word_embeddings").asBoolean());
            assertEquals(1, hf.get("bos_token_id").asInt());
            assertEquals(2, hf.get("eos_token_id").asInt());
            assertEquals("silu", hf.get("hidden_act").asText());
        }
    }

    @Test
    void tensorsSitWhereRunCMapsThem(@TempDir Path dir) throws IOException {
        // Each float is its own index in the weight area, so a tensor's first value says where it was sliced from.
        Path file = writeCheckpoint(dir.resolve("seq.bin"), SMALL, i -> i);
        int dim = 24, hidden = 40, layers = 2, kv = 12, vocab = 11, seq = 6, headSize = 6;
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(file)) {
            assertFalse(ckpt.config().sharedClassifier());
            long at = 0;
            at = expectAt(ckpt, "model.embed_tokens.weight", at, (long) vocab * dim);
            at = expectLayersAt(ckpt, "model.layers.%d.input_layernorm.weight", at, dim);
            long wq = at;
            at += (long) layers * dim * dim;
            long wk = at;
            at += (long) layers * kv * dim;
            at = expectLayersAt(ckpt, "model.layers.%d.self_attn.v_proj.weight", at, (long) kv * dim);
            at = expectLayersAt(ckpt, "model.layers.%d.self_attn.o_proj.weight", at, (long) dim * dim);
            at = expectLayersAt(ckpt, "model.layers.%d.post_attention_layernorm.weight", at, dim);
            at = expectLayersAt(ckpt, "model.layers.%d.mlp.gate_proj.weight", at, (long) hidden * dim);
            at = expectLayersAt(ckpt, "model.layers.%d.mlp.down_proj.weight", at, (long) dim * hidden);
            at = expectLayersAt(ckpt, "model.layers.%d.mlp.up_proj.weight", at, (long) hidden * dim);
            at = expectAt(ckpt, "model.norm.weight", at, dim);
            at += (long) seq * headSize;   // the two RoPE tables
            expectAt(ckpt, "lm_head.weight", at, (long) vocab * dim);
            // q/k rows are reordered but still come from their own slice: row 1 of head 0 was row 2 (pair 1, first half).
            assertEquals(wq + 2L * dim, ckpt.get("model.layers.0.self_attn.q_proj.weight").getFloat(dim));
            assertEquals(wk + (long) kv * dim + 2L * dim, ckpt.get("model.layers.1.self_attn.k_proj.weight").getFloat(dim));
        }
    }

    @Test
    void permutedQkWithRotateHalfGiveLlama2cScores(@TempDir Path dir) throws IOException {
        Random rnd = new Random();
        Path file = writeCheckpoint(dir.resolve("rand.bin"), SMALL, i -> rnd.nextGaussian());
        int dim = 24, heads = 4, kvHeads = 2, headDim = 6, kvDim = 12;
        Path raw = file;
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(file)) {
            float[][] wqRaw = rawMatrix(raw, SMALL, "wq", 1), wkRaw = rawMatrix(raw, SMALL, "wk", 1);
            Tensor wq = ckpt.get("model.layers.1.self_attn.q_proj.weight");
            Tensor wk = ckpt.get("model.layers.1.self_attn.k_proj.weight");
            double[] x = rnd.doubles(dim).map(v -> v - 0.5).toArray();
            double[] y = rnd.doubles(dim).map(v -> v - 0.5).toArray();
            int pq = 1 + rnd.nextInt(5), pk = rnd.nextInt(6);
            double[] qMeta = ropeInterleaved(matvec(wqRaw, x), heads, headDim, pq);
            double[] kMeta = ropeInterleaved(matvec(wkRaw, y), kvHeads, headDim, pk);
            double[] qHf = ropeRotateHalf(matvec(wq, x), heads, headDim, pq);
            double[] kHf = ropeRotateHalf(matvec(wk, y), kvHeads, headDim, pk);
            for (int h = 0; h < heads; h++) {
                int g = h / (heads / kvHeads);
                // The rotated vectors correspond row for row under the permutation ...
                for (int i = 0; i < headDim / 2; i++) {
                    assertEquals(qMeta[h * headDim + 2 * i], qHf[h * headDim + i], 1e-5);
                    assertEquals(qMeta[h * headDim + 2 * i + 1], qHf[h * headDim + headDim / 2 + i], 1e-5);
                }
                // ... so every attention score is unchanged.
                assertEquals(dot(qMeta, h * headDim, kMeta, g * headDim, headDim), dot(qHf, h * headDim, kHf, g * headDim, headDim), 1e-5);
            }
            assertEquals(kvDim, wk.shape()[0]);
        }
    }

    @Test
    void hfNamedTensorsReproduceStoriesReferenceLogits() throws IOException {
        ReferenceSafetensors ref = ReferenceSafetensors.read(SharedTestData.shared("reference/stories260K/logits.safetensors"));
        int[] ids = ref.i32("input_ids");
        float[] expected = ref.f32("logits");
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(SharedTestData.shared("models/stories260K/stories260K.bin"))) {
            double[][] logits = HfLlamaOracle.forward(ckpt, ckpt.config(), ids);
            double err = 0, norm = 0;
            for (int t = 0; t < ids.length; t++)
                for (int v = 0; v < 512; v++) {
                    double e = expected[t * 512 + v];
                    err += (logits[t][v] - e) * (logits[t][v] - e);
                    norm += e * e;
                }
            assertTrue(Math.sqrt(err / norm) < 1e-5, "relative L2 error " + Math.sqrt(err / norm));
        }
    }

    @Test
    void truncatedFileNamesExpectedAndActualBytes(@TempDir Path dir) throws IOException {
        Path file = writeCheckpoint(dir.resolve("full.bin"), SMALL, i -> 0.5);
        byte[] all = Files.readAllBytes(file);
        Path cut = dir.resolve("cut.bin");
        Files.write(cut, Arrays.copyOf(all, all.length - 4));
        PareException e = assertThrows(PareException.class, () -> Llama2cCheckpoint.open(cut));
        assertTrue(e.getMessage().startsWith(cut.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("%,d".formatted(all.length)) && e.getMessage().contains("%,d".formatted(all.length - 4)), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));

        Path header = dir.resolve("header.bin");
        Files.write(header, Arrays.copyOf(all, 20));
        assertThrows(PareException.class, () -> Llama2cCheckpoint.open(header));
        assertThrows(PareException.class, () -> Llama2cCheckpoint.open(dir.resolve("missing.bin")));
    }

    @Test
    void nonPositiveHeaderValueIsRejected(@TempDir Path dir) throws IOException {
        int[] bad = SMALL.clone();
        bad[2] = 0;
        Path file = dir.resolve("bad.bin");
        ByteBuffer b = ByteBuffer.allocate(28 + 64).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : bad) b.putInt(v);
        Files.write(file, b.array());
        PareException e = assertThrows(PareException.class, () -> Llama2cCheckpoint.open(file));
        assertTrue(e.getMessage().contains("n_layers is 0"), e.getMessage());
    }

    @Test
    void missingTensorIsNamed(@TempDir Path dir) throws IOException {
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(writeCheckpoint(dir.resolve("a.bin"), SMALL, i -> 1))) {
            PareException e = assertThrows(PareException.class, () -> ckpt.get("model.layers.9.mlp.up_proj.weight"));
            assertTrue(e.getMessage().contains("model.layers.9.mlp.up_proj.weight"));
            assertEquals(DType.F32, ckpt.get("model.layers.1.mlp.up_proj.weight").dtype());
        }
    }

    // ---- helpers ----

    private static void assertShape(Llama2cCheckpoint ckpt, String name, long... shape) {
        Tensor t = ckpt.get(name);
        assertArrayEquals(shape, t.shape(), name);
        assertEquals(DType.F32, t.dtype(), name);
    }

    private static long expectAt(Llama2cCheckpoint ckpt, String name, long at, long size) {
        Tensor t = ckpt.get(name);
        assertEquals(size, t.numel(), name);
        assertEquals((float) at, t.getFloat(0), name);
        assertEquals((float) (at + size - 1), t.getFloat(size - 1), name);
        return at + size;
    }

    private static long expectLayersAt(Llama2cCheckpoint ckpt, String pattern, long at, long size) {
        for (int l = 0; l < ckpt.config().nLayers(); l++) at = expectAt(ckpt, pattern.formatted(l), at, size);
        return at;
    }

    /** A llama2.c file for {@code header}, weight float i = value(i) (RoPE tables included). */
    static Path writeCheckpoint(Path file, int[] header, IntToDoubleFunction value) throws IOException {
        long n = weightCount(header);
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(28 + 4 * n)).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : header) b.putInt(v);
        for (int i = 0; i < n; i++) b.putFloat((float) value.applyAsDouble(i));
        Files.write(file, b.array());
        return file;
    }

    private static long weightCount(int[] h) {
        long dim = h[0], hidden = h[1], layers = h[2], kv = (long) h[0] * h[4] / h[3], vocab = Math.abs(h[5]), seq = h[6];
        long headSize = dim / h[3];
        return vocab * dim + layers * (2 * dim + 2 * dim * dim + 2 * kv * dim + 3 * hidden * dim) + dim + seq * headSize
                + (h[5] < 0 ? vocab * dim : 0);
    }

    /** Layer {@code layer} of llama2.c's wq or wk, read straight from the file as [rows][dim]. */
    private static float[][] rawMatrix(Path file, int[] h, String which, int layer) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int dim = h[0], layers = h[2], kv = h[0] * h[4] / h[3], vocab = Math.abs(h[5]);
        long offset = (long) vocab * dim + (long) layers * dim;   // embedding, rms_att
        int rows = dim;
        if (which.equals("wk")) {
            offset += (long) layers * dim * dim;
            rows = kv;
        }
        offset += (long) layer * rows * dim;
        float[][] m = new float[rows][dim];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < dim; c++) m[r][c] = b.getFloat(Math.toIntExact(28 + 4 * (offset + (long) r * dim + c)));
        return m;
    }

    private static double[] matvec(float[][] w, double[] x) {
        double[] y = new double[w.length];
        for (int r = 0; r < w.length; r++)
            for (int c = 0; c < x.length; c++) y[r] += w[r][c] * x[c];
        return y;
    }

    private static double[] matvec(Tensor w, double[] x) {
        int rows = Math.toIntExact(w.shape()[0]), cols = Math.toIntExact(w.shape()[1]);
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) y[r] += w.getFloat((long) r * cols + c) * x[c];
        return y;
    }

    /** run.c's RoPE: pair (2i, 2i+1) of each head turns by pos·10000^(−2i/headDim). */
    static double[] ropeInterleaved(double[] v, int heads, int headDim, int pos) {
        double[] out = v.clone();
        for (int h = 0; h < heads; h++)
            for (int i = 0; i < headDim / 2; i++) {
                double a = pos * Math.pow(10000, -2.0 * i / headDim);
                int p = h * headDim + 2 * i;
                out[p] = v[p] * Math.cos(a) - v[p + 1] * Math.sin(a);
                out[p + 1] = v[p] * Math.sin(a) + v[p + 1] * Math.cos(a);
            }
        return out;
    }

    /** transformers' RoPE: element i of each head pairs with i + headDim/2, same angles. */
    static double[] ropeRotateHalf(double[] v, int heads, int headDim, int pos) {
        double[] out = v.clone();
        int half = headDim / 2;
        for (int h = 0; h < heads; h++)
            for (int i = 0; i < half; i++) {
                double a = pos * Math.pow(10000, -2.0 * i / headDim);
                int p = h * headDim + i, q = p + half;
                out[p] = v[p] * Math.cos(a) - v[q] * Math.sin(a);
                out[q] = v[q] * Math.cos(a) + v[p] * Math.sin(a);
            }
        return out;
    }

    private static double dot(double[] a, int ao, double[] b, int bo, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    /** A plain double-precision LlamaForCausalLM forward over a TensorSource's Hugging Face names. */
    static final class HfLlamaOracle {
        static double[][] forward(TensorSource w, Llama2cCheckpoint.Config c, int[] ids) {
            int T = ids.length, dim = c.dim(), hd = c.headSize(), heads = c.nHeads(), kvHeads = c.nKvHeads();
            Tensor embed = w.get("model.embed_tokens.weight");
            double[][] x = new double[T][dim];
            for (int t = 0; t < T; t++) for (int i = 0; i < dim; i++) x[t][i] = embed.getFloat((long) ids[t] * dim + i);
            for (int l = 0; l < c.nLayers(); l++) {
                String p = "model.layers." + l + ".";
                double[][] q = new double[T][], k = new double[T][], v = new double[T][];
                for (int t = 0; t < T; t++) {
                    double[] h = rmsNorm(x[t], w.get(p + "input_layernorm.weight"));
                    q[t] = ropeRotateHalf(matvec(w.get(p + "self_attn.q_proj.weight"), h), heads, hd, t);
                    k[t] = ropeRotateHalf(matvec(w.get(p + "self_attn.k_proj.weight"), h), kvHeads, hd, t);
                    v[t] = matvec(w.get(p + "self_attn.v_proj.weight"), h);
                }
                for (int t = 0; t < T; t++) {
                    double[] att = new double[dim];
                    for (int h = 0; h < heads; h++) {
                        int g = h / (heads / kvHeads);
                        double[] s = new double[t + 1];
                        double max = Double.NEGATIVE_INFINITY, sum = 0;
                        for (int u = 0; u <= t; u++) {
                            s[u] = dot(q[t], h * hd, k[u], g * hd, hd) / Math.sqrt(hd);
                            max = Math.max(max, s[u]);
                        }
                        for (int u = 0; u <= t; u++) sum += s[u] = Math.exp(s[u] - max);
                        for (int u = 0; u <= t; u++)
                            for (int i = 0; i < hd; i++) att[h * hd + i] += s[u] / sum * v[u][g * hd + i];
                    }
                    add(x[t], matvec(w.get(p + "self_attn.o_proj.weight"), att));
                    double[] h = rmsNorm(x[t], w.get(p + "post_attention_layernorm.weight"));
                    double[] gate = matvec(w.get(p + "mlp.gate_proj.weight"), h), up = matvec(w.get(p + "mlp.up_proj.weight"), h);
                    for (int i = 0; i < gate.length; i++) gate[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
                    add(x[t], matvec(w.get(p + "mlp.down_proj.weight"), gate));
                }
            }
            double[][] logits = new double[T][];
            for (int t = 0; t < T; t++) logits[t] = matvec(w.get("lm_head.weight"), rmsNorm(x[t], w.get("model.norm.weight")));
            return logits;
        }

        private static double[] rmsNorm(double[] x, Tensor weight) {
            double ss = 0;
            for (double v : x) ss += v * v;
            double scale = 1 / Math.sqrt(ss / x.length + 1e-5);
            double[] out = new double[x.length];
            for (int i = 0; i < x.length; i++) out[i] = x[i] * scale * weight.getFloat(i);
            return out;
        }

        private static void add(double[] a, double[] b) {
            for (int i = 0; i < a.length; i++) a[i] += b[i];
        }
    }
}
