package dev.pare.io;

import dev.pare.tensor.DType;
import dev.pare.tensor.Tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a tensor will be before its bytes exist: a writer lays out the whole file from these so that a compression
 * run can stream tensors in whatever order its blocks finish.
 */
public record TensorSpec(String name, DType dtype, long[] shape) {
    public TensorSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
        for (long d : shape) if (d < 0) throw new IllegalArgumentException(name + ": negative dimension in shape " + Arrays.toString(shape));
        if (name.equals(SafetensorsHeader.METADATA_KEY)) throw new IllegalArgumentException("'" + name + "' is reserved for the header's metadata");
        byteSize(name, dtype, shape); // fail now on overflow rather than when the header is laid out
    }

    public static TensorSpec of(Tensor t) {
        return new TensorSpec(t.name(), t.dtype(), t.shape());
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long numel() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    public long byteSize() {
        return numel() * dtype.bytes;
    }

    static long byteSize(String name, DType dtype, long[] shape) {
        try {
            long n = 1;
            for (long d : shape) n = Math.multiplyExact(n, d);
            return Math.multiplyExact(n, (long) dtype.bytes);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " of " + dtype + " overflows 64 bits");
        }
    }

    // A record compares arrays by identity; two specs of the same tensor should be equal.
    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && t.name.equals(name) && t.dtype == dtype && Arrays.equals(t.shape, shape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape));
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
