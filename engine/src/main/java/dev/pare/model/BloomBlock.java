package dev.pare.model;

import dev.pare.backend.Backend;
import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.Arena;
import java.util.List;

/**
 * A BLOOM block: pre-LayerNorm, fused query_key_value laid out per head as [heads][q|k|v][headDim], ALiBi instead of
 * position embeddings, dense_h_to_4h → gelu (tanh form) → dense_4h_to_h. With
 * apply_residual_connection_post_layernorm the residual is the normalised input rather than the input.
 */
final class BloomBlock implements Block {
    private final Arena arena = Arena.ofShared();
    private final ModelConfig cfg;
    private final FloatMatrix ln1W, ln1B, ln2W, ln2B;
    private final Linear qkv, dense, up, down;
    private final CausalSelfAttention attention;

    BloomBlock(ModelConfig cfg, Weights w, String prefix, int index, float[] alibiSlopes) {
        this.cfg = cfg;
        String p = prefix + "h." + index + ".";
        int h = cfg.hidden();
        ln1W = w.vector(arena, p + "input_layernorm.weight", h);
        ln1B = w.vector(arena, p + "input_layernorm.bias", h);
        ln2W = w.vector(arena, p + "post_attention_layernorm.weight", h);
        ln2B = w.vector(arena, p + "post_attention_layernorm.bias", h);
        qkv = w.linear(arena, p + "self_attention.query_key_value", 3 * h, h, true);
        dense = w.linear(arena, p + "self_attention.dense", h, h, true);
        up = w.linear(arena, p + "mlp.dense_h_to_4h", cfg.intermediate(), h, true);
        down = w.linear(arena, p + "mlp.dense_4h_to_h", h, cfg.intermediate(), true);
        attention = new CausalSelfAttention(cfg.heads(), cfg.heads(), cfg.headDim(), (float) (1.0 / Math.sqrt(cfg.headDim())), 0, 0, alibiSlopes);
    }

    @Override
    public void forward(FloatMatrix x, KvCache cache, ForwardContext ctx) {
        Backend b = ctx.backend();
        FloatMatrix n = ctx.allocate(x.rows(), x.cols());
        b.layerNorm(x, ln1W, ln1B, cfg.normEps(), n);
        if (cfg.residualPostNorm()) b.copyColumns(n, 0, x, 0, x.cols());
        FloatMatrix[] split = Columns.split(ctx.apply(qkv, n), cfg.heads(), 3, cfg.headDim(), ctx);
        b.add(x, ctx.apply(dense, attention.apply(split[0], split[1], split[2], cache, ctx)));

        b.layerNorm(x, ln2W, ln2B, cfg.normEps(), n);
        if (cfg.residualPostNorm()) b.copyColumns(n, 0, x, 0, x.cols());
        FloatMatrix f = ctx.apply(up, n);
        b.activate(cfg.activation(), f);
        b.add(x, ctx.apply(down, f));
    }

    @Override
    public List<Linear> linears() {
        return List.of(qkv, dense, up, down);
    }

    @Override
    public List<List<Linear>> sequentialGroups() {
        return List.of(List.of(qkv), List.of(dense), List.of(up), List.of(down));
    }

    @Override
    public int kvDim() {
        return attention.kvDim();
    }

    @Override
    public void close() {
        arena.close();
    }
}
