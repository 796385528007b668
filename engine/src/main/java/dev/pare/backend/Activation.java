package dev.pare.backend;

import dev.pare.PareException;

/** Element-wise activations of the MLPs, by their Hugging Face names. */
public enum Activation {
    /** max(0, x) — OPT. */
    RELU,
    /** x·Φ(x) with the exact erf — "gelu". */
    GELU,
    /** The tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) — GPT-2's "gelu_new", BLOOM's gelu. */
    GELU_TANH,
    /** x·σ(x) — LLaMA's gate. */
    SILU;

    public static Activation fromConfig(String name, String where) {
        return switch (name) {
            case "relu" -> RELU;
            case "gelu", "gelu_python" -> GELU;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "bloom_gelu" -> GELU_TANH;
            case "silu", "swish" -> SILU;
            default -> throw new PareException(where + ": unsupported activation '" + name + "' (expected relu, gelu, gelu_new, gelu_pytorch_tanh or silu)");
        };
    }
}
