package dev.pare.backend;

/**
 * The shape of one causal self-attention call. Queries are rows [T × heads·headDim] at positions pos0 … pos0+T−1;
 * keys and values are rows [pos0+T × kvHeads·headDim] at positions 0 … pos0+T−1 (the cache and the new tokens).
 * Query head h reads key/value head h / (heads / kvHeads) (grouped-query attention).
 *
 * @param scale         multiplies q·k (usually 1/√headDim)
 * @param slidingWindow a query at position p sees keys at positions > p − slidingWindow; 0 means unlimited
 * @param alibiSlopes   per query head, adds slope·(key position) to the scores (BLOOM); null for none
 */
public record AttentionSpec(int heads, int kvHeads, int headDim, int pos0, float scale, int slidingWindow, float[] alibiSlopes) {
    public AttentionSpec {
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0)
            throw new IllegalArgumentException(heads + " query heads do not group over " + kvHeads + " key/value heads");
        if (alibiSlopes != null && alibiSlopes.length != heads)
            throw new IllegalArgumentException(alibiSlopes.length + " ALiBi slopes for " + heads + " heads");
    }
}
