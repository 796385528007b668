package dev.pare.model;

import dev.pare.backend.Backend;
import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.Arena;
import java.util.List;

/**
 * An OPT decoder layer: LayerNorm before (do_layer_norm_before, most sizes) or after (OPT-350m) each residual branch;
 * biased q,k,v,out projections; fc1 → ReLU → fc2.
 */
final class OptBlock implements Block {
    private final Arena arena = Arena.ofShared();
    private final ModelConfig cfg;
    private final FloatMatrix attnNormW, attnNormB, ffnNormW, ffnNormB;
    private final Linear q, k, v, out, fc1, fc2;
    private final CausalSelfAttention attention;

    OptBlock(ModelConfig cfg, Weights w, int index) {
        this.cfg = cfg;
        String p = "model.decoder.layers." + index + ".";
        int h = cfg.hidden();
        boolean bias = cfg.attentionBias();
        attnNormW = w.vector(arena, p + "self_attn_layer_norm.weight", h);
        attnNormB = w.vector(arena, p + "self_attn_layer_norm.bias", h);
        ffnNormW = w.vector(arena, p + "final_layer_norm.weight", h);
        ffnNormB = w.vector(arena, p + "final_layer_norm.bias", h);
        q = w.linear(arena, p + "self_attn.q_proj", h, h, bias);
        k = w.linear(arena, p + "self_attn.k_proj", h, h, bias);
        v = w.linear(arena, p + "self_attn.v_proj", h, h, bias);
        out = w.linear(arena, p + "self_attn.out_proj", h, h, bias);
        fc1 = w.linear(arena, p + "fc1", cfg.intermediate(), h, bias);
        fc2 = w.linear(arena, p + "fc2", h, cfg.intermediate(), bias);
        attention = new CausalSelfAttention(cfg.heads(), cfg.heads(), cfg.headDim(), (float) (1.0 / Math.sqrt(cfg.headDim())), 0, 0, null);
    }

    @Override
    public void forward(FloatMatrix x, KvCache cache, ForwardContext ctx) {
        Backend b = ctx.backend();
        float eps = cfg.normEps();
        FloatMatrix n = x;
        if (cfg.normBefore()) {
            n = ctx.allocate(x.rows(), x.cols());
            b.layerNorm(x, attnNormW, attnNormB, eps, n);
        }
        FloatMatrix a = attention.apply(ctx.apply(q, n), ctx.apply(k, n), ctx.apply(v, n), cache, ctx);
        b.add(x, ctx.apply(out, a));
        if (!cfg.normBefore()) b.layerNorm(x, attnNormW, attnNormB, eps, x);

        n = x;
        if (cfg.normBefore()) {
            n = ctx.allocate(x.rows(), x.cols());
            b.layerNorm(x, ffnNormW, ffnNormB, eps, n);
        }
        FloatMatrix f = ctx.apply(fc1, n);
        b.activate(cfg.activation(), f);
        b.add(x, ctx.apply(fc2, f));
        if (!cfg.normBefore()) b.layerNorm(x, ffnNormW, ffnNormB, eps, x);
    }

    @Override
    public List<Linear> linears() {
        return List.of(q, k, v, out, fc1, fc2);
    }

    @Override
    public List<List<Linear>> sequentialGroups() {
        return List.of(List.of(q, k, v), List.of(out), List.of(fc1), List.of(fc2));
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
