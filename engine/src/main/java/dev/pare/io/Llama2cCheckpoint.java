package dev.pare.io;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pare.PareException;
import dev.pare.tensor.DType;
import dev.pare.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A llama2.c checkpoint (the legacy "version 0" export that run.c reads) seen as a Hugging Face LLaMA checkpoint.
 * <p>
 * The file is a 7-int32 header then float32 arrays in run.c's {@code memory_map_weights} order; every tensor is a view
 * of the mmapped file except q_proj and k_proj, whose rows are reordered: llama2.c rotates interleaved pairs
 * (2i, 2i+1) of each head (Meta's RoPE), Pare rotates halves (i, i + headDim/2) as transformers does, and reordering
 * the rows of Wq and Wk per head — transformers' {@code convert_llama_weights_to_hf.py} {@code permute} — makes the
 * two agree while leaving every attention score unchanged. Those two are materialised on first use in this
 * checkpoint's arena.
 */
public final class Llama2cCheckpoint implements TensorSource {
    private static final int HEADER_BYTES = 7 * Integer.BYTES;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;

    /** The header. {@code vocabSize} is positive; {@code sharedClassifier} is what its sign said. */
    public record Config(int dim, int hiddenDim, int nLayers, int nHeads, int nKvHeads, int vocabSize, int seqLen,
                         boolean sharedClassifier) {
        public int headSize() {
            return dim / nHeads;
        }

        /** Width of K and V: run.c's {@code dim * n_kv_heads / n_heads}. */
        public int kvDim() {
            return dim * nKvHeads / nHeads;
        }
    }

    private final Path file;
    private final Arena arena;
    private final Config config;
    /** Tensors in file order, with Hugging Face names; q_proj and k_proj here are the raw (interleaved) views. */
    private final Map<String, Tensor> tensors;
    private final Map<String, Tensor> permuted = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private Llama2cCheckpoint(Path file, Arena arena, Config config, Map<String, Tensor> tensors) {
        this.file = file;
        this.arena = arena;
        this.config = config;
        this.tensors = tensors;
    }

    public static Llama2cCheckpoint open(Path binFile) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment data;
            try (FileChannel ch = FileChannel.open(binFile, StandardOpenOption.READ)) {
                data = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            } catch (NoSuchFileException e) {
                throw new PareException(binFile + ": llama2.c checkpoint not found");
            } catch (IOException e) {
                throw new PareException(binFile + ": cannot map llama2.c checkpoint: " + e.getMessage(), e);
            }
            Config config = readHeader(binFile, data);
            Map<String, Tensor> tensors = layOut(binFile, config, data);
            return new Llama2cCheckpoint(binFile, arena, config, tensors);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static Config readHeader(Path file, MemorySegment data) {
        if (data.byteSize() < HEADER_BYTES)
            throw new PareException(file + ": " + data.byteSize() + " bytes, too short for a llama2.c header (" + HEADER_BYTES + " bytes)");
        int[] h = new int[7];
        for (int i = 0; i < 7; i++) h[i] = data.getAtIndex(I32, i);
        // Newer llama2.c exports (version 1, 2) start with the magic "ak42" and a different layout; say so plainly.
        if (h[0] == 0x616b3432)
            throw new PareException(file + ": llama2.c export version " + h[1] + " (magic \"ak42\") is not supported; export with version 0 (legacy_export)");
        String[] names = {"dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "seq_len"};
        for (int i = 0; i < 7; i++) {
            int v = i == 5 ? Math.abs(h[i]) : h[i];   // abs(MIN_VALUE) stays negative, so it is caught too
            if (v <= 0)
                throw new PareException(file + ": llama2.c header field " + names[i] + " is " + h[i] + ", expected a positive value");
        }
        Config c = new Config(h[0], h[1], h[2], h[3], h[4], Math.abs(h[5]), h[6], h[5] > 0);
        if (c.dim() % c.nHeads() != 0)
            throw new PareException(file + ": dim " + c.dim() + " is not a multiple of n_heads " + c.nHeads());
        if (c.nHeads() % c.nKvHeads() != 0)
            throw new PareException(file + ": n_heads " + c.nHeads() + " is not a multiple of n_kv_heads " + c.nKvHeads());
        if (c.headSize() % 2 != 0)
            throw new PareException(file + ": head size " + c.headSize() + " is odd; RoPE rotates pairs");
        return c;
    }

    /** Slices the file in run.c's order, checking that the sizes add up to the file's length exactly. */
    private static Map<String, Tensor> layOut(Path file, Config c, MemorySegment data) {
        long dim = c.dim(), hidden = c.hiddenDim(), kv = c.kvDim(), vocab = c.vocabSize(), layers = c.nLayers();
        long ropeTable = (long) c.seqLen() * c.headSize() / 2;
        long floats = vocab * dim                       // token embedding
                + layers * dim                          // rms_att
                + layers * dim * dim                    // wq
                + 2 * layers * kv * dim                 // wk, wv
                + layers * dim * dim                    // wo
                + layers * dim                          // rms_ffn
                + 3 * layers * hidden * dim             // w1, w2, w3
                + dim                                   // rms_final
                + 2 * ropeTable                         // freq_cis_real, freq_cis_imag (unused: RoPE is recomputed)
                + (c.sharedClassifier() ? 0 : vocab * dim);
        long expected = HEADER_BYTES + floats * Float.BYTES;
        if (data.byteSize() != expected)
            throw new PareException(String.format("%s: the llama2.c header (dim %d, hidden %d, %d layers, %d heads, %d kv heads, vocab %d%s, seq %d) needs %,d bytes but the file has %,d",
                    file, c.dim(), c.hiddenDim(), c.nLayers(), c.nHeads(), c.nKvHeads(), c.vocabSize(),
                    c.sharedClassifier() ? " shared" : " unshared", c.seqLen(), expected, data.byteSize()));

        Cursor at = new Cursor(data, HEADER_BYTES);
        Map<String, Tensor> t = new LinkedHashMap<>();
        Tensor embed = at.take("model.embed_tokens.weight", vocab, dim);
        t.put(embed.name(), embed);
        perLayer(t, at, c, "model.layers.%d.input_layernorm.weight", dim);
        perLayer(t, at, c, "model.layers.%d.self_attn.q_proj.weight", dim, dim);
        perLayer(t, at, c, "model.layers.%d.self_attn.k_proj.weight", kv, dim);
        perLayer(t, at, c, "model.layers.%d.self_attn.v_proj.weight", kv, dim);
        perLayer(t, at, c, "model.layers.%d.self_attn.o_proj.weight", dim, dim);
        perLayer(t, at, c, "model.layers.%d.post_attention_layernorm.weight", dim);
        perLayer(t, at, c, "model.layers.%d.mlp.gate_proj.weight", hidden, dim);  // w1
        perLayer(t, at, c, "model.layers.%d.mlp.down_proj.weight", dim, hidden);  // w2
        perLayer(t, at, c, "model.layers.%d.mlp.up_proj.weight", hidden, dim);    // w3
        Tensor norm = at.take("model.norm.weight", dim);
        t.put(norm.name(), norm);
        at.skip(2 * ropeTable);
        Tensor lmHead = c.sharedClassifier()
                ? new Tensor("lm_head.weight", DType.F32, new long[]{vocab, dim}, embed.data())
                : at.take("lm_head.weight", vocab, dim);
        t.put(lmHead.name(), lmHead);
        return Collections.unmodifiableMap(t);
    }

    private static void perLayer(Map<String, Tensor> t, Cursor at, Config c, String pattern, long... shape) {
        for (int l = 0; l < c.nLayers(); l++) {
            Tensor x = at.take(pattern.formatted(l), shape);
            t.put(x.name(), x);
        }
    }

    /** Walks the file front to back, handing out consecutive F32 slices. */
    private static final class Cursor {
        private final MemorySegment data;
        private long offset;

        Cursor(MemorySegment data, long offset) {
            this.data = data;
            this.offset = offset;
        }

        Tensor take(String name, long... shape) {
            long n = 1;
            for (long d : shape) n *= d;
            Tensor t = new Tensor(name, DType.F32, shape, data.asSlice(offset, n * Float.BYTES));
            offset += n * Float.BYTES;
            return t;
        }

        void skip(long floats) {
            offset += floats * Float.BYTES;
        }
    }

    public Config config() {
        return config;
    }

    /** The config.json transformers would write for this model. */
    public ObjectNode hfConfig() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.putArray("architectures").add("LlamaForCausalLM");
        n.put("model_type", "llama");
        n.put("hidden_size", config.dim());
        n.put("intermediate_size", config.hiddenDim());
        n.put("num_hidden_layers", config.nLayers());
        n.put("num_attention_heads", config.nHeads());
        n.put("num_key_value_heads", config.nKvHeads());
        n.put("head_dim", config.headSize());
        n.put("vocab_size", config.vocabSize());
        n.put("max_position_embeddings", config.seqLen());
        n.put("rms_norm_eps", 1e-5);     // run.c's rmsnorm
        n.put("rope_theta", 10000.0);    // run.c's RoPE base
        n.put("tie_word_embeddings", config.sharedClassifier());
        n.put("bos_token_id", 1);
        n.put("eos_token_id", 2);
        n.put("hidden_act", "silu");
        return n;
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public Tensor get(String name) {
        if (closed) throw new PareException(file + ": checkpoint is closed (asked for '" + name + "')");
        Tensor raw = tensors.get(name);
        if (raw == null) throw new PareException(file + ": no tensor '" + name + "' in this llama2.c checkpoint");
        if (name.endsWith(".self_attn.q_proj.weight")) return permuted.computeIfAbsent(name, k -> toRotateHalf(raw, config.nHeads()));
        if (name.endsWith(".self_attn.k_proj.weight")) return permuted.computeIfAbsent(name, k -> toRotateHalf(raw, config.nKvHeads()));
        return raw;
    }

    /**
     * transformers' {@code permute(w, n_heads)}: within each head, output row 2i moves to row i and row 2i+1 to row
     * i + headDim/2, so the pair llama2.c rotates together lands where rotate-half rotates together.
     */
    private Tensor toRotateHalf(Tensor w, int heads) {
        int rows = Math.toIntExact(w.shape()[0]);
        long rowBytes = w.shape()[1] * Float.BYTES;
        int headDim = rows / heads;
        int half = headDim / 2;
        MemorySegment out = arena.allocate(w.data().byteSize(), 64);
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                for (int j = 0; j < 2; j++) {
                    long src = (long) h * headDim + 2L * i + j;
                    long dst = (long) h * headDim + (long) j * half + i;
                    MemorySegment.copy(w.data(), src * rowBytes, out, dst * rowBytes, rowBytes);
                }
            }
        }
        return new Tensor(w.name(), DType.F32, w.shape(), out);
    }

    @Override
    public Path location() {
        return file;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        arena.close();
    }
}
