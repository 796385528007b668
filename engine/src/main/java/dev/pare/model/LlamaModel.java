package dev.pare.model;

import dev.pare.io.TensorSource;
import dev.pare.tensor.FloatMatrix;

/** LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM: token embedding, blocks, final RMSNorm, LM head. */
final class LlamaModel extends CausalLM {
    private final FloatMatrix embedding, norm, head;

    LlamaModel(ModelConfig cfg, TensorSource source) {
        super(cfg, source);
        embedding = weights.matrix(arena, "model.embed_tokens.weight", cfg.vocab(), cfg.hidden());
        norm = weights.vector(arena, "model.norm.weight", cfg.hidden());
        head = cfg.tieEmbeddings() ? embedding : weights.matrix(arena, "lm_head.weight", cfg.vocab(), cfg.hidden());
    }

    @Override
    public FloatMatrix embed(int[] tokens, int pos0, ForwardContext ctx) {
        return Embeddings.lookup(embedding, tokens, ctx, source.location());
    }

    @Override
    public FloatMatrix logits(FloatMatrix hidden, ForwardContext ctx) {
        FloatMatrix n = ctx.allocate(hidden.rows(), hidden.cols());
        ctx.backend().rmsNorm(hidden, norm, config.normEps(), n);
        FloatMatrix logits = ctx.allocate(hidden.rows(), config.vocab());
        ctx.backend().linear(n, head, null, logits);
        return logits;
    }

    @Override
    protected Block loadBlock(int index) {
        return new LlamaBlock(config, weights, index);
    }
}
