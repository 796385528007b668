package dev.pare.model;

import dev.pare.backend.Activation;
import dev.pare.backend.Backend;
import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.Arena;
import java.util.List;

/**
 * A LLaMA-family block (LLaMA, Mistral, Qwen2): pre-RMSNorm, GQA attention with RoPE, SwiGLU MLP.
 * x ← x + o(attn(rope(q(n₁x)), rope(k(n₁x)), v(n₁x)));  x ← x + down(act(gate(n₂x)) ⊙ up(n₂x))
 */
final class LlamaBlock implements Block {
    private final Arena arena;
    private final ModelConfig cfg;
    private final FloatMatrix inputNorm, postAttentionNorm;
    private final Linear q, k, v, o, gate, up, down;
    private final CausalSelfAttention attention;

    LlamaBlock(ModelConfig cfg, Weights w, int index) {
        this.cfg = cfg;
        this.arena = Arena.ofShared();
        String p = "model.layers." + index + ".";
        int h = cfg.hidden(), qDim = cfg.heads() * cfg.headDim(), kvDim = cfg.kvHeads() * cfg.headDim();
        inputNorm = w.vector(arena, p + "input_layernorm.weight", h);
        postAttentionNorm = w.vector(arena, p + "post_attention_layernorm.weight", h);
        q = w.linear(arena, p + "self_attn.q_proj", qDim, h, cfg.attentionBias());
        k = w.linear(arena, p + "self_attn.k_proj", kvDim, h, cfg.attentionBias());
        v = w.linear(arena, p + "self_attn.v_proj", kvDim, h, cfg.attentionBias());
        o = w.linear(arena, p + "self_attn.o_proj", h, qDim, cfg.outputBias());
        gate = w.linear(arena, p + "mlp.gate_proj", cfg.intermediate(), h, cfg.mlpBias());
        up = w.linear(arena, p + "mlp.up_proj", cfg.intermediate(), h, cfg.mlpBias());
        down = w.linear(arena, p + "mlp.down_proj", h, cfg.intermediate(), cfg.mlpBias());
        attention = new CausalSelfAttention(cfg.heads(), cfg.kvHeads(), cfg.headDim(), (float) (1.0 / Math.sqrt(cfg.headDim())),
                cfg.ropeTheta(), cfg.slidingWindow(), null);
    }

    @Override
    public void forward(FloatMatrix x, KvCache cache, ForwardContext ctx) {
        Backend b = ctx.backend();
        FloatMatrix n = ctx.allocate(x.rows(), x.cols());
        b.rmsNorm(x, inputNorm, cfg.normEps(), n);
        FloatMatrix a = attention.apply(ctx.apply(q, n), ctx.apply(k, n), ctx.apply(v, n), cache, ctx);
        b.add(x, ctx.apply(o, a));

        b.rmsNorm(x, postAttentionNorm, cfg.normEps(), n);
        FloatMatrix g = ctx.apply(gate, n);
        b.activate(cfg.activation(), g);
        b.multiply(g, ctx.apply(up, n));
        b.add(x, ctx.apply(down, g));
    }

    @Override
    public List<Linear> linears() {
        return List.of(q, k, v, o, gate, up, down);
    }

    @Override
    public List<List<Linear>> sequentialGroups() {
        return List.of(List.of(q, k, v), List.of(o), List.of(gate, up), List.of(down));
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
