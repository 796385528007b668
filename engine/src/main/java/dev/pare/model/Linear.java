package dev.pare.model;

import dev.pare.tensor.FloatMatrix;

/**
 * One linear layer y = x·Wᵀ + b: the unit Pare compresses. W is [out × in] in F32 whatever the checkpoint stored;
 * the compression methods rewrite it in place.
 *
 * @param name       the checkpoint's weight tensor name ("model.layers.0.self_attn.q_proj.weight")
 * @param weight     [out × in]
 * @param bias       1 × out, or null
 * @param transposed true where the checkpoint stores the weight as [in × out] (GPT-2's Conv1D), so a writer turns it back
 */
public record Linear(String name, FloatMatrix weight, FloatMatrix bias, boolean transposed) {
    public int rows() {
        return weight.rows();
    }

    public int columns() {
        return weight.cols();
    }

    /** The layer's short name within its block ("self_attn.q_proj"), as the references print it. */
    public String shortName() {
        return shortName(name);
    }

    /** The short name within its block of a checkpoint tensor name ("model.layers.0.self_attn.q_proj.weight" → "self_attn.q_proj"). */
    public static String shortName(String name) {
        String n = name.endsWith(".weight") ? name.substring(0, name.length() - ".weight".length()) : name;
        int layer = n.indexOf(".layers.");
        if (layer < 0) layer = n.indexOf(".h.");
        if (layer < 0) return n;
        int afterIndex = n.indexOf('.', n.indexOf('.', layer + 1) + 1);
        return afterIndex < 0 ? n : n.substring(afterIndex + 1);
    }
}
