package dev.pare.model;

import dev.pare.backend.Backend;
import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.SegmentAllocator;

/** Keys and values of the positions a block has seen, so that decoding one token does not recompute the prefix. */
public final class KvCache {
    private final FloatMatrix keys;
    private final FloatMatrix values;
    private int length;

    public KvCache(SegmentAllocator arena, int capacity, int kvDim) {
        this(FloatMatrix.allocate(arena, capacity, kvDim), FloatMatrix.allocate(arena, capacity, kvDim));
    }

    /** A cache for one forward call, in the call's scratch (so it stays in the backend's memory with the rest). */
    public KvCache(ForwardContext ctx, int capacity, int kvDim) {
        this(ctx.allocate(capacity, kvDim), ctx.allocate(capacity, kvDim));
    }

    private KvCache(FloatMatrix keys, FloatMatrix values) {
        this.keys = keys;
        this.values = values;
    }

    public int length() {
        return length;
    }

    public int capacity() {
        return keys.rows();
    }

    /** Appends the new tokens' k and v (rows at positions length … length+T−1); returns the whole history. */
    FloatMatrix[] append(FloatMatrix k, FloatMatrix v, Backend backend) {
        int end = length + k.rows();
        if (end > capacity()) throw new IllegalStateException("KV cache of " + capacity() + " positions is full");
        backend.copyColumns(k, 0, keys.rows(length, end), 0, k.cols());
        backend.copyColumns(v, 0, values.rows(length, end), 0, v.cols());
        length = end;
        return new FloatMatrix[]{keys.rows(0, end), values.rows(0, end)};
    }

    public void clear() {
        length = 0;
    }
}
