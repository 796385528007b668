package dev.pare.model;

import dev.pare.backend.Residency;
import dev.pare.tensor.FloatMatrix;

import java.util.List;

/** One transformer block: the unit the compression pipeline walks, and the owner of its linear layers. */
public interface Block extends AutoCloseable {
    /**
     * Runs the block on the hidden states x [T × hidden] of positions cache.length() … cache.length()+T−1, in place:
     * on return x holds the block's output. The cache receives the new keys and values.
     */
    void forward(FloatMatrix x, KvCache cache, ForwardContext ctx);

    /** Every linear layer, in the order the forward pass meets them. */
    List<Linear> linears();

    /**
     * The linears grouped as "true sequential" compression processes them: layers of one group read the same input and
     * are compressed together; later groups see the already compressed earlier ones (q,k,v → o → gate,up → down).
     */
    List<List<Linear>> sequentialGroups();

    /** Keeps the linears' weights and biases in the lease's memory (see {@link dev.pare.backend.Residency}). */
    default void keepWeights(Residency.Lease lease) {
        for (Linear l : linears()) {
            lease.keep(l.weight());
            if (l.bias() != null) lease.keep(l.bias());
        }
    }

    /** Width of the key/value rows this block caches. */
    int kvDim();

    /** Frees the block's weights. */
    @Override
    void close();
}
