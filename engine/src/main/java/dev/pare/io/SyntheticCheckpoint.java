package dev.pare.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pare.PareException;
import dev.pare.tensor.DType;
import dev.pare.util.Progress;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A random-weight checkpoint of a LLaMA-family shape (LLaMA, Mistral, Qwen2), in the Hugging Face layout — config,
 * sharded safetensors and their index — for scale tests and benchmarks where a real model of that size is not at hand.
 * Weights are N(0, initializer_range²) as transformers initialises them, norms 1, biases 0; the same seed gives the same
 * bytes. Tensors are generated one at a time (in parallel chunks) and streamed to disk: memory stays at one tensor.
 *
 * @param arch          llama, mistral or qwen2
 * @param kvHeads       key/value heads (fewer than heads: grouped-query attention)
 * @param dtype         F16, BF16 or F32
 * @param shardBytes    largest shard; tensors are never split
 */
public record SyntheticCheckpoint(String arch, int hidden, int layers, int intermediate, int heads, int kvHeads, int vocab,
                                  int maxPositions, DType dtype, double initializerRange, long seed, long shardBytes) {
    private static final Map<String, String> ARCHITECTURES = Map.of("llama", "LlamaForCausalLM", "mistral", "MistralForCausalLM", "qwen2", "Qwen2ForCausalLM");
    /** Elements per independently seeded chunk: parallel generation stays reproducible. */
    private static final int CHUNK = 1 << 20;

    public SyntheticCheckpoint {
        if (!ARCHITECTURES.containsKey(arch)) throw new PareException("--arch " + arch + ": expected one of llama, mistral, qwen2");
        if (hidden < 1 || layers < 1 || intermediate < 1 || heads < 1 || kvHeads < 1 || vocab < 1 || maxPositions < 1)
            throw new PareException("synth: every size must be at least 1 (hidden " + hidden + ", layers " + layers + ", intermediate " + intermediate
                    + ", heads " + heads + ", kv heads " + kvHeads + ", vocab " + vocab + ", context " + maxPositions + ")");
        if (hidden % heads != 0) throw new PareException("--hidden " + hidden + " is not a multiple of --heads " + heads);
        if ((hidden / heads) % 2 != 0) throw new PareException("--hidden / --heads = " + hidden / heads + ": RoPE needs an even head dimension");
        if (heads % kvHeads != 0) throw new PareException("--kv-heads " + kvHeads + " does not divide --heads " + heads);
        if (dtype != DType.F16 && dtype != DType.BF16 && dtype != DType.F32) throw new PareException("--dtype " + dtype + ": expected f16, bf16 or f32");
        if (!(initializerRange > 0)) throw new PareException("--init-std " + initializerRange + ": expected a positive standard deviation");
        if (shardBytes < 1) throw new PareException("--shard-size must be positive");
    }

    /** LLaMA-7B's shapes: hidden 4096, 32 layers, intermediate 11008, 32 heads, vocab 32000, context 2048. */
    public static SyntheticCheckpoint llama7b(DType dtype, long seed) {
        return new SyntheticCheckpoint("llama", 4096, 32, 11008, 32, 32, 32000, 2048, dtype, 0.02, seed, 5_000_000_000L);
    }

    private int headDim() {
        return hidden / heads;
    }

    /** Every tensor, in the order transformers' state dict lists them. */
    public List<TensorSpec> tensors() {
        List<TensorSpec> t = new ArrayList<>();
        int q = heads * headDim(), kv = kvHeads * headDim();
        t.add(spec("model.embed_tokens.weight", vocab, hidden));
        for (int i = 0; i < layers; i++) {
            String p = "model.layers." + i + ".";
            t.add(spec(p + "self_attn.q_proj.weight", q, hidden));
            t.add(spec(p + "self_attn.k_proj.weight", kv, hidden));
            t.add(spec(p + "self_attn.v_proj.weight", kv, hidden));
            if (arch.equals("qwen2")) {
                t.add(spec(p + "self_attn.q_proj.bias", q));
                t.add(spec(p + "self_attn.k_proj.bias", kv));
                t.add(spec(p + "self_attn.v_proj.bias", kv));
            }
            t.add(spec(p + "self_attn.o_proj.weight", hidden, q));
            t.add(spec(p + "mlp.gate_proj.weight", intermediate, hidden));
            t.add(spec(p + "mlp.up_proj.weight", intermediate, hidden));
            t.add(spec(p + "mlp.down_proj.weight", hidden, intermediate));
            t.add(spec(p + "input_layernorm.weight", hidden));
            t.add(spec(p + "post_attention_layernorm.weight", hidden));
        }
        t.add(spec("model.norm.weight", hidden));
        t.add(spec("lm_head.weight", vocab, hidden));
        return t;
    }

    private TensorSpec spec(String name, long... shape) {
        return new TensorSpec(name, dtype, shape);
    }

    public long parameters() {
        return tensors().stream().mapToLong(s -> s.byteSize() / dtype.bytes).sum();
    }

    /** The config.json transformers reads for this shape. */
    public ObjectNode config() {
        ObjectNode c = new ObjectMapper().createObjectNode();
        c.putArray("architectures").add(ARCHITECTURES.get(arch));
        c.put("model_type", arch);
        c.put("hidden_size", hidden);
        c.put("intermediate_size", intermediate);
        c.put("num_hidden_layers", layers);
        c.put("num_attention_heads", heads);
        c.put("num_key_value_heads", kvHeads);
        c.put("head_dim", headDim());
        c.put("vocab_size", vocab);
        c.put("max_position_embeddings", maxPositions);
        c.put("hidden_act", "silu");
        c.put("rms_norm_eps", 1e-5);
        c.put("rope_theta", 10000.0);
        c.put("tie_word_embeddings", false);
        c.put("initializer_range", initializerRange);
        c.put("bos_token_id", 1);
        c.put("eos_token_id", 2);
        c.put("torch_dtype", switch (dtype) {
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            default -> "float32";
        });
        if (arch.equals("mistral")) c.putNull("sliding_window");
        return c;
    }

    /** Writes the checkpoint into {@code target} (absent or empty), atomically: the folder appears complete or not at all. */
    public void write(Path target, Progress progress) {
        List<TensorSpec> specs = tensors();
        List<List<TensorSpec>> shards = shard(specs);
        long total = specs.stream().mapToLong(TensorSpec::byteSize).sum();
        try (StagingFolder out = StagingFolder.begin(target, "--out")) {
            ObjectMapper json = new ObjectMapper();
            json.writerWithDefaultPrettyPrinter().writeValue(out.resolve("config.json").toFile(), config());
            Map<String, String> weightMap = new LinkedHashMap<>();
            long written = 0;
            int done = 0;
            for (int f = 0; f < shards.size(); f++) {
                String file = shards.size() == 1 ? "model.safetensors" : String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", f + 1, shards.size());
                try (SafetensorsWriter w = SafetensorsWriter.create(out.resolve(file), Map.of("format", "pt"), shards.get(f))) {
                    for (TensorSpec s : shards.get(f)) {
                        try (Arena arena = Arena.ofShared()) {
                            w.write(s.name(), values(s, specs.indexOf(s), arena));
                        }
                        weightMap.put(s.name(), file);
                        written += s.byteSize();
                        progress.update(++done, written / 1e6);
                    }
                    w.commit();
                }
            }
            if (shards.size() > 1) {
                ObjectNode index = json.createObjectNode();
                index.putObject("metadata").put("total_size", total);
                ObjectNode map = index.putObject("weight_map");
                weightMap.forEach(map::put);
                json.writerWithDefaultPrettyPrinter().writeValue(out.resolve("model.safetensors.index.json").toFile(), index);
            }
            out.commit();
        } catch (IOException e) {
            throw new PareException(target + ": cannot write (" + e.getMessage() + ")");
        }
    }

    /** Consecutive tensors per file, each file at most shardBytes unless one tensor alone is larger. */
    private List<List<TensorSpec>> shard(List<TensorSpec> specs) {
        List<List<TensorSpec>> shards = new ArrayList<>();
        List<TensorSpec> current = new ArrayList<>();
        long bytes = 0;
        for (TensorSpec s : specs) {
            if (!current.isEmpty() && bytes + s.byteSize() > shardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(s);
            bytes += s.byteSize();
        }
        shards.add(current);
        return shards;
    }

    /** The tensor's little-endian bytes: norms 1, biases 0, weights Gaussian, generated in parallel seeded chunks. */
    private MemorySegment values(TensorSpec s, int index, Arena arena) {
        long n = s.byteSize() / dtype.bytes;
        MemorySegment m = arena.allocate(s.byteSize(), 8);
        boolean norm = s.name().endsWith("norm.weight"), bias = s.name().endsWith(".bias");
        int chunks = (int) ((n + CHUNK - 1) / CHUNK);
        IntStream.range(0, chunks).parallel().forEach(c -> {
            SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + (long) index * 1_000_003L + c);
            for (long i = (long) c * CHUNK, end = Math.min(n, i + CHUNK); i < end; i++) {
                float v = norm ? 1f : bias ? 0f : (float) (random.nextGaussian() * initializerRange);
                switch (dtype) {
                    case F16 -> m.setAtIndex(F16_LE, i, Float.floatToFloat16(v));
                    case BF16 -> m.setAtIndex(F16_LE, i, SafetensorsWriter.toBf16(v));
                    default -> m.setAtIndex(F32_LE, i, v);
                }
            }
        });
        return m;
    }

    private static final ValueLayout.OfShort F16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
}
