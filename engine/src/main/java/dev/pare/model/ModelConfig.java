package dev.pare.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pare.PareException;
import dev.pare.backend.Activation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the forward pass needs from a Hugging Face {@code config.json}, normalised across architectures (each family
 * names the same quantity differently: n_embd, hidden_size, d_model …). The raw JSON is kept for writing it back.
 */
public record ModelConfig(
        JsonNode raw,
        String hfArchitecture,
        Architecture architecture,
        int hidden,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int intermediate,
        int vocab,
        int maxPositions,
        float normEps,
        double ropeTheta,
        boolean tieEmbeddings,
        Activation activation,
        int slidingWindow,
        boolean attentionBias,
        boolean outputBias,
        boolean mlpBias,
        // OPT
        boolean normBefore,
        int wordEmbedProjDim,
        boolean finalNorm,
        // GPT-2
        boolean scaleAttnByInverseLayerIdx,
        // BLOOM
        boolean residualPostNorm,
        int bosId,
        int eosId) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static ModelConfig read(Path configJson) {
        if (!Files.isRegularFile(configJson)) throw new PareException(configJson + ": not found (a Hugging Face model folder has a config.json)");
        try {
            return parse(JSON.readTree(configJson.toFile()), configJson.toString());
        } catch (IOException e) {
            throw new PareException(configJson + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    public static ModelConfig parse(JsonNode c, String where) {
        if (c == null || !c.isObject()) throw new PareException(where + ": expected a JSON object");
        JsonNode archs = c.path("architectures");
        if (!archs.isArray() || archs.isEmpty())
            throw new PareException(where + ": no \"architectures\" entry (supported: " + Architecture.supportedNames() + ")");
        String hfArch = archs.get(0).asText();
        Architecture arch = Architecture.fromHfName(hfArch, where);
        Fields f = new Fields(c, where);
        return switch (arch) {
            case LLAMA -> {
                int hidden = f.integer("hidden_size");
                int heads = f.integer("num_attention_heads");
                boolean qwen2 = hfArch.equals("Qwen2ForCausalLM");
                boolean attnBias = qwen2 || f.bool("attention_bias", false);
                int window = c.path("sliding_window").isNumber() && (!qwen2 || f.bool("use_sliding_window", false))
                        ? c.get("sliding_window").asInt() : 0;
                yield new ModelConfig(c, hfArch, arch, hidden, f.integer("num_hidden_layers"), heads,
                        f.integer("num_key_value_heads", heads), f.integer("head_dim", hidden / heads),
                        f.integer("intermediate_size"), f.integer("vocab_size"), f.integer("max_position_embeddings", 2048),
                        (float) f.real("rms_norm_eps", 1e-6), ropeTheta(c, where), f.bool("tie_word_embeddings", false),
                        Activation.fromConfig(f.text("hidden_act", "silu"), where), window,
                        attnBias, !qwen2 && attnBias, f.bool("mlp_bias", false),
                        true, hidden, true, false, false, f.tokenId("bos_token_id"), f.tokenId("eos_token_id"));
            }
            case OPT -> {
                int hidden = f.integer("hidden_size");
                int heads = f.integer("num_attention_heads");
                boolean before = f.bool("do_layer_norm_before", true);
                boolean bias = f.bool("enable_bias", true);
                if (!f.bool("layer_norm_elementwise_affine", true))
                    throw new PareException(where + ": layer_norm_elementwise_affine=false is not supported for OPT");
                yield new ModelConfig(c, hfArch, arch, hidden, f.integer("num_hidden_layers"), heads, heads, hidden / heads,
                        f.integer("ffn_dim"), f.integer("vocab_size"), f.integer("max_position_embeddings", 2048),
                        1e-5f, 0, f.bool("tie_word_embeddings", true),
                        Activation.fromConfig(f.text("activation_function", "relu"), where), 0,
                        bias, bias, bias, before, f.integer("word_embed_proj_dim", hidden),
                        before && !f.bool("_remove_final_layer_norm", false), false, false,
                        f.tokenId("bos_token_id"), f.tokenId("eos_token_id"));
            }
            case GPT2 -> {
                int hidden = f.integer("n_embd");
                int heads = f.integer("n_head");
                JsonNode inner = c.path("n_inner");
                if (!f.bool("scale_attn_weights", true))
                    throw new PareException(where + ": scale_attn_weights=false is not supported for GPT-2");
                yield new ModelConfig(c, hfArch, arch, hidden, f.integer("n_layer"), heads, heads, hidden / heads,
                        inner.isNumber() ? inner.asInt() : 4 * hidden, f.integer("vocab_size"), f.integer("n_positions", 1024),
                        (float) f.real("layer_norm_epsilon", 1e-5), 0, f.bool("tie_word_embeddings", true),
                        Activation.fromConfig(f.text("activation_function", "gelu_new"), where), 0,
                        true, true, true, true, hidden, true, f.bool("scale_attn_by_inverse_layer_idx", false), false,
                        f.tokenId("bos_token_id"), f.tokenId("eos_token_id"));
            }
            case BLOOM -> {
                int hidden = f.integer("hidden_size", c.path("n_embed").asInt(0));
                if (hidden <= 0) throw new PareException(where + ": missing hidden_size (or n_embed)");
                int heads = f.integer("n_head");
                yield new ModelConfig(c, hfArch, arch, hidden, f.integer("n_layer"), heads, heads, hidden / heads,
                        4 * hidden, f.integer("vocab_size"), Integer.MAX_VALUE,
                        (float) f.real("layer_norm_epsilon", 1e-5), 0, f.bool("tie_word_embeddings", true),
                        Activation.GELU_TANH, 0, true, true, true, true, hidden, true, false,
                        f.bool("apply_residual_connection_post_layernorm", false),
                        f.tokenId("bos_token_id"), f.tokenId("eos_token_id"));
            }
        };
    }

    /** RoPE θ: transformers 5 writes {@code rope_parameters.rope_theta}; older configs a top-level {@code rope_theta}. */
    private static double ropeTheta(JsonNode c, String where) {
        JsonNode params = c.path("rope_parameters");
        JsonNode scaling = c.path("rope_scaling");
        String type = params.path("rope_type").asText(scaling.path("rope_type").asText(scaling.path("type").asText("default")));
        if (!type.equals("default"))
            throw new PareException(where + ": unsupported rope_type '" + type + "' (Pare implements the default RoPE)");
        if (params.path("rope_theta").isNumber()) return params.get("rope_theta").asDouble();
        if (c.path("rope_theta").isNumber()) return c.get("rope_theta").asDouble();
        return 10000.0;
    }

    /** Longest sequence the positional scheme allows (learned tables end; RoPE and ALiBi extrapolate but were trained to this). */
    public int contextLength() {
        return maxPositions;
    }

    private record Fields(JsonNode c, String where) {
        int integer(String key) {
            JsonNode n = c.get(key);
            if (n == null || !n.canConvertToInt() || n.asInt() <= 0)
                throw new PareException(where + ": \"" + key + "\" must be a positive integer, found " + (n == null ? "nothing" : n.toString()));
            return n.asInt();
        }

        int integer(String key, int fallback) {
            JsonNode n = c.get(key);
            return n == null || n.isNull() ? fallback : integer(key);
        }

        /** A special token id; absent, null or a list (several EOS ids) gives the first or -1. */
        int tokenId(String key) {
            JsonNode n = c.path(key);
            if (n.isArray()) n = n.path(0);
            return n.canConvertToInt() ? n.asInt() : -1;
        }

        double real(String key, double fallback) {
            JsonNode n = c.get(key);
            if (n == null || n.isNull()) return fallback;
            if (!n.isNumber()) throw new PareException(where + ": \"" + key + "\" must be a number, found " + n);
            return n.asDouble();
        }

        boolean bool(String key, boolean fallback) {
            JsonNode n = c.get(key);
            if (n == null || n.isNull()) return fallback;
            if (!n.isBoolean()) throw new PareException(where + ": \"" + key + "\" must be true or false, found " + n);
            return n.asBoolean();
        }

        String text(String key, String fallback) {
            JsonNode n = c.get(key);
            return n == null || n.isNull() ? fallback : n.asText();
        }
    }
}
