package dev.pare.model;

import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.SegmentAllocator;

/** Keys and values of the positions a block has seen, so that decoding one token does not recompute the prefix. */
public final class KvCache {
    private final FloatMatrix keys;
    private final FloatMatrix values;
    private int length;

    public KvCache(SegmentAllocator arena, int capacity, int kvDim) {
        this.keys = FloatMatrix.allocate(arena, capacity, kvDim);
        this.values = FloatMatrix.allocate(arena, capacity, kvDim);
    }

    public int length() {
        return length;
    }

    public int capacity() {
        return keys.rows();
    }

    /** Appends the new tokens' k and v (rows at positions length … length+T−1); returns the whole history. */
    FloatMatrix[] append(FloatMatrix k, FloatMatrix v) {
        int end = length + k.rows();
        if (end > capacity()) throw new IllegalStateException("KV cache of " + capacity() + " positions is full");
        keys.rows(length, end).copyFrom(k);
        values.rows(length, end).copyFrom(v);
        length = end;
        return new FloatMatrix[]{keys.rows(0, end), values.rows(0, end)};
    }

    public void clear() {
        length = 0;
    }
}
