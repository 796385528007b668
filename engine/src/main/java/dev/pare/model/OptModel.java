package dev.pare.model;

import dev.pare.io.TensorSource;
import dev.pare.tensor.FloatMatrix;

/**
 * OPTForCausalLM: token embedding of width word_embed_proj_dim (projected in to the hidden size where they differ),
 * learned positions with OPT's offset of 2, blocks, optional final LayerNorm, projection out, tied LM head.
 */
final class OptModel extends CausalLM {
    /** OPT's learned position table reserves its first two rows (a fairseq legacy). */
    private static final int POSITION_OFFSET = 2;
    private final FloatMatrix embedding, positions, finalNormW, finalNormB, head;
    private final Linear projectIn, projectOut;

    OptModel(ModelConfig cfg, TensorSource source) {
        super(cfg, source);
        String p = "model.decoder.";
        int h = cfg.hidden(), e = cfg.wordEmbedProjDim();
        embedding = weights.matrix(arena, p + "embed_tokens.weight", cfg.vocab(), e);
        positions = weights.matrix(arena, p + "embed_positions.weight", cfg.maxPositions() + POSITION_OFFSET, h);
        finalNormW = weights.vectorIf(cfg.finalNorm(), arena, p + "final_layer_norm.weight", h);
        finalNormB = weights.vectorIf(cfg.finalNorm(), arena, p + "final_layer_norm.bias", h);
        projectIn = e != h ? weights.linear(arena, p + "project_in", h, e, false) : null;
        projectOut = e != h ? weights.linear(arena, p + "project_out", e, h, false) : null;
        head = cfg.tieEmbeddings() || !weights.has("lm_head.weight") ? embedding : weights.matrix(arena, "lm_head.weight", cfg.vocab(), e);
    }

    @Override
    public FloatMatrix embed(int[] tokens, int pos0, ForwardContext ctx) {
        FloatMatrix x = Embeddings.lookup(embedding, tokens, ctx, source.location());
        if (projectIn != null) {
            FloatMatrix projected = ctx.allocate(tokens.length, config.hidden());
            ctx.backend().linear(x, projectIn.weight(), null, projected);
            x = projected;
        }
        Embeddings.addPositions(x, positions, pos0, POSITION_OFFSET, ctx, source.location());
        return x;
    }

    @Override
    public FloatMatrix logits(FloatMatrix hidden, ForwardContext ctx) {
        FloatMatrix x = hidden;
        if (finalNormW != null) {
            x = ctx.allocate(hidden.rows(), hidden.cols());
            ctx.backend().layerNorm(hidden, finalNormW, finalNormB, config.normEps(), x);
        }
        if (projectOut != null) {
            FloatMatrix projected = ctx.allocate(hidden.rows(), config.wordEmbedProjDim());
            ctx.backend().linear(x, projectOut.weight(), null, projected);
            x = projected;
        }
        FloatMatrix logits = ctx.allocate(hidden.rows(), config.vocab());
        ctx.backend().linear(x, head, null, logits);
        return logits;
    }

    @Override
    protected Block loadBlock(int index) {
        return new OptBlock(config, weights, index);
    }
}
