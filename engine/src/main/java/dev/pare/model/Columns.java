package dev.pare.model;

import dev.pare.tensor.FloatMatrix;

/** Splitting the output of a fused projection (GPT-2's c_attn, BLOOM's query_key_value) into q, k and v. */
final class Columns {
    private Columns() {
    }

    /**
     * Copies the columns of {@code fused} [T × parts·width·groups] laid out as [groups][parts][width] (BLOOM: groups =
     * heads; GPT-2: groups = 1, width = hidden) into {@code parts} matrices [T × groups·width].
     */
    static FloatMatrix[] split(FloatMatrix fused, int groups, int parts, int width, ForwardContext ctx) {
        FloatMatrix[] out = new FloatMatrix[parts];
        for (int p = 0; p < parts; p++) out[p] = ctx.allocate(fused.rows(), groups * width);
        for (int g = 0; g < groups; g++)
            for (int p = 0; p < parts; p++)
                ctx.backend().copyColumns(fused, (g * parts + p) * width, out[p], g * width, width);
        return out;
    }
}
