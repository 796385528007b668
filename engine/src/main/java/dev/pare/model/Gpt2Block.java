package dev.pare.model;

import dev.pare.backend.Backend;
import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.Arena;
import java.util.List;

/**
 * A GPT-2 block: pre-LayerNorm, one fused c_attn projection to q|k|v, c_proj, and a c_fc → gelu_new → c_proj MLP.
 * The checkpoint stores these Conv1D weights as [in × out]; Pare holds them as [out × in] like every other linear.
 */
final class Gpt2Block implements Block {
    private final Arena arena = Arena.ofShared();
    private final ModelConfig cfg;
    private final FloatMatrix ln1W, ln1B, ln2W, ln2B;
    private final Linear cAttn, attnProj, cFc, mlpProj;
    private final CausalSelfAttention attention;

    Gpt2Block(ModelConfig cfg, Weights w, String prefix, int index) {
        this.cfg = cfg;
        String p = prefix + "h." + index + ".";
        int h = cfg.hidden();
        ln1W = w.vector(arena, p + "ln_1.weight", h);
        ln1B = w.vector(arena, p + "ln_1.bias", h);
        ln2W = w.vector(arena, p + "ln_2.weight", h);
        ln2B = w.vector(arena, p + "ln_2.bias", h);
        cAttn = w.conv1d(arena, p + "attn.c_attn", 3 * h, h);
        attnProj = w.conv1d(arena, p + "attn.c_proj", h, h);
        cFc = w.conv1d(arena, p + "mlp.c_fc", cfg.intermediate(), h);
        mlpProj = w.conv1d(arena, p + "mlp.c_proj", h, cfg.intermediate());
        double scale = 1.0 / Math.sqrt(cfg.headDim());
        if (cfg.scaleAttnByInverseLayerIdx()) scale /= index + 1;
        attention = new CausalSelfAttention(cfg.heads(), cfg.heads(), cfg.headDim(), (float) scale, 0, 0, null);
    }

    @Override
    public void forward(FloatMatrix x, KvCache cache, ForwardContext ctx) {
        Backend b = ctx.backend();
        FloatMatrix n = ctx.allocate(x.rows(), x.cols());
        b.layerNorm(x, ln1W, ln1B, cfg.normEps(), n);
        FloatMatrix[] qkv = Columns.split(ctx.apply(cAttn, n), 1, 3, cfg.hidden(), ctx);
        b.add(x, ctx.apply(attnProj, attention.apply(qkv[0], qkv[1], qkv[2], cache, ctx)));

        b.layerNorm(x, ln2W, ln2B, cfg.normEps(), n);
        FloatMatrix f = ctx.apply(cFc, n);
        b.activate(cfg.activation(), f);
        b.add(x, ctx.apply(mlpProj, f));
    }

    @Override
    public List<Linear> linears() {
        return List.of(cAttn, attnProj, cFc, mlpProj);
    }

    @Override
    public List<List<Linear>> sequentialGroups() {
        return List.of(List.of(cAttn), List.of(attnProj), List.of(cFc), List.of(mlpProj));
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
