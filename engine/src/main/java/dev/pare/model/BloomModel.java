package dev.pare.model;

import dev.pare.io.TensorSource;
import dev.pare.tensor.FloatMatrix;

/** BloomForCausalLM: token embedding followed by its own LayerNorm, ALiBi blocks, final LayerNorm, tied head. */
final class BloomModel extends CausalLM {
    private final String prefix;
    private final FloatMatrix embedding, embNormW, embNormB, lnFW, lnFB, head;
    private final float[] alibiSlopes;

    BloomModel(ModelConfig cfg, TensorSource source) {
        super(cfg, source);
        prefix = source.contains("transformer.word_embeddings.weight") ? "transformer." : "";
        int h = cfg.hidden();
        embedding = weights.matrix(arena, prefix + "word_embeddings.weight", cfg.vocab(), h);
        embNormW = weights.vector(arena, prefix + "word_embeddings_layernorm.weight", h);
        embNormB = weights.vector(arena, prefix + "word_embeddings_layernorm.bias", h);
        lnFW = weights.vector(arena, prefix + "ln_f.weight", h);
        lnFB = weights.vector(arena, prefix + "ln_f.bias", h);
        head = cfg.tieEmbeddings() || !weights.has("lm_head.weight") ? embedding : weights.matrix(arena, "lm_head.weight", cfg.vocab(), h);
        alibiSlopes = alibiSlopes(cfg.heads());
    }

    /**
     * ALiBi's per-head slopes (Press et al.): a geometric sequence 2^(−8/n)… for the largest power of two n ≤ heads,
     * then the odd terms of the sequence for 2n to fill the remaining heads — as transformers' build_alibi_tensor.
     */
    static float[] alibiSlopes(int heads) {
        int closest = Integer.highestOneBit(heads);
        double base = Math.pow(2, -Math.pow(2, -(log2(closest) - 3.0)));
        float[] slopes = new float[heads];
        for (int i = 0; i < closest; i++) slopes[i] = (float) Math.pow(base, i + 1);
        if (closest != heads) {
            double extraBase = Math.pow(2, -Math.pow(2, -(log2(2 * closest) - 3.0)));
            for (int i = 0; i < heads - closest; i++) slopes[closest + i] = (float) Math.pow(extraBase, 2 * i + 1);
        }
        return slopes;
    }

    /** Exact for the powers of two it is called with. */
    private static int log2(int powerOfTwo) {
        return Integer.numberOfTrailingZeros(powerOfTwo);
    }

    @Override
    public FloatMatrix embed(int[] tokens, int pos0, ForwardContext ctx) {
        FloatMatrix x = Embeddings.lookup(embedding, tokens, ctx, source.location());
        ctx.backend().layerNorm(x, embNormW, embNormB, config.normEps(), x);
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
        return new BloomBlock(config, weights, prefix, index, alibiSlopes);
    }
}
