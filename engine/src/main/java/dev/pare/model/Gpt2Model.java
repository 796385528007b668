package dev.pare.model;

import dev.pare.io.TensorSource;
import dev.pare.tensor.FloatMatrix;

/** GPT2LMHeadModel: token + learned position embeddings, blocks, final LayerNorm, head tied to the token embedding. */
final class Gpt2Model extends CausalLM {
    private final String prefix;
    private final FloatMatrix wte, wpe, lnFW, lnFB, head;

    Gpt2Model(ModelConfig cfg, TensorSource source) {
        super(cfg, source);
        // Hub checkpoints exist both with and without the "transformer." prefix.
        prefix = source.contains("transformer.wte.weight") ? "transformer." : "";
        wte = weights.matrix(arena, prefix + "wte.weight", cfg.vocab(), cfg.hidden());
        wpe = weights.matrix(arena, prefix + "wpe.weight", cfg.maxPositions(), cfg.hidden());
        lnFW = weights.vector(arena, prefix + "ln_f.weight", cfg.hidden());
        lnFB = weights.vector(arena, prefix + "ln_f.bias", cfg.hidden());
        head = cfg.tieEmbeddings() || !weights.has("lm_head.weight") ? wte : weights.matrix(arena, "lm_head.weight", cfg.vocab(), cfg.hidden());
    }

    @Override
    public FloatMatrix embed(int[] tokens, int pos0, ForwardContext ctx) {
        FloatMatrix x = Embeddings.lookup(wte, tokens, ctx, source.location());
        Embeddings.addPositions(x, wpe, pos0, 0, ctx, source.location());
        return x;
    }

    @Override
    public FloatMatrix logits(FloatMatrix hidden, ForwardContext ctx) {
        FloatMatrix n = ctx.allocate(hidden.rows(), hidden.cols());
        ctx.backend().layerNorm(hidden, lnFW, lnFB, config.normEps(), n);
        FloatMatrix logits = ctx.allocate(hidden.rows(), config.vocab());
        ctx.backend().linear(n, head, null, logits);
        return logits;
    }

    @Override
    protected Block loadBlock(int index) {
        return new Gpt2Block(config, weights, prefix, index);
    }
}
