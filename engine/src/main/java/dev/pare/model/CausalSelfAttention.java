package dev.pare.model;

import dev.pare.backend.AttentionSpec;
import dev.pare.tensor.FloatMatrix;

/**
 * The part of self-attention that every architecture shares once q, k and v are projected: optional RoPE, the KV
 * cache, then causal softmax attention (with GQA, sliding window or ALiBi as configured).
 *
 * @param ropeTheta 0 for no rotary embedding (learned positions or ALiBi)
 */
record CausalSelfAttention(int heads, int kvHeads, int headDim, float scale, double ropeTheta, int slidingWindow, float[] alibiSlopes) {

    /** Attention output [T × heads·headDim] for the new tokens' q [T × heads·headDim], k and v [T × kvHeads·headDim]. */
    FloatMatrix apply(FloatMatrix q, FloatMatrix k, FloatMatrix v, KvCache cache, ForwardContext ctx) {
        int pos0 = cache.length();
        if (ropeTheta > 0) {
            ctx.backend().rope(q, heads, headDim, pos0, ropeTheta);
            ctx.backend().rope(k, kvHeads, headDim, pos0, ropeTheta);
        }
        FloatMatrix[] kv = cache.append(k, v, ctx.backend());
        FloatMatrix out = ctx.allocate(q.rows(), heads * headDim);
        ctx.backend().attention(q, kv[0], kv[1], new AttentionSpec(heads, kvHeads, headDim, pos0, scale, slidingWindow, alibiSlopes), out);
        return out;
    }

    int kvDim() {
        return kvHeads * headDim;
    }
}
