package dev.pare.tensor;

import dev.pare.PareException;
import dev.pare.util.Chunks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;


/**
 * A named tensor of any safetensors dtype, viewing its bytes where they lie (usually an mmapped file). Floating
 * tensors widen to F32 on request; nothing is copied until then.
 */
public record Tensor(String name, DType dtype, long[] shape, MemorySegment data) {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    public Tensor {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        if (n * dtype.bytes != data.byteSize())
            throw new IllegalArgumentException(name + ": " + n + " elements of " + dtype + " but " + data.byteSize() + " bytes");
    }

    public long numel() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    public int rank() {
        return shape.length;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    /** Element {@code i} (row-major) widened to float; integer dtypes convert exactly where they fit. */
    public float getFloat(long i) {
        return switch (dtype) {
            case F32 -> data.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
            case F16 -> Float.float16ToFloat(data.getAtIndex(I16, i));
            case BF16 -> Float.intBitsToFloat((data.getAtIndex(I16, i) & 0xffff) << 16);
            case F64 -> (float) data.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i);
            case I32 -> data.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
            case I64 -> data.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i);
            case I16 -> data.getAtIndex(I16, i);
            case U16 -> data.getAtIndex(I16, i) & 0xffff;
            case U32 -> data.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i) & 0xffffffffL;
            case I8 -> data.get(ValueLayout.JAVA_BYTE, i);
            case U8, BOOL -> data.get(ValueLayout.JAVA_BYTE, i) & 0xff;
        };
    }

    /** Element {@code i} of an integer tensor. */
    public long getLong(long i) {
        return switch (dtype) {
            case I64 -> data.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i);
            case I32 -> data.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
            case U32 -> data.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i) & 0xffffffffL;
            case I16 -> data.getAtIndex(I16, i);
            case U16 -> data.getAtIndex(I16, i) & 0xffff;
            case I8 -> data.get(ValueLayout.JAVA_BYTE, i);
            case U8, BOOL -> data.get(ValueLayout.JAVA_BYTE, i) & 0xff;
            default -> throw new PareException(name + ": expected an integer tensor, found " + dtype);
        };
    }

    /** This tensor widened to F32 as a [rows × cols] matrix in {@code arena}; rows × cols must equal its element count. */
    private static final int CONVERT_CHUNK = 1 << 20;

    public FloatMatrix toFloatMatrix(Arena arena, int rows, int cols) {
        if (!dtype.isFloat()) throw new PareException(name + ": expected a floating-point tensor, found " + dtype);
        if ((long) rows * cols != numel())
            throw new PareException(name + ": shape " + shapeString() + " does not fit " + rows + "x" + cols);
        FloatMatrix m = FloatMatrix.allocateUninitialized(arena, rows, cols); // every element is written below
        MemorySegment out = m.segment();
        long n = numel();
        if (dtype == DType.F32) {
            MemorySegment.copy(data, 0, out, 0, n * 4);
        } else {
            // A 7B model converts ~200M values per block: chunks in parallel.
            Chunks.forEach(n, CONVERT_CHUNK, (from, to) -> {
                for (long i = from; i < to; i++) out.setAtIndex(FloatMatrix.F32, i, getFloat(i));
            }, data, out);
        }
        return m;
    }

    /** A 2-D tensor as its own [rows × cols] matrix; a 1-D one as a single row. */
    public FloatMatrix toFloatMatrix(Arena arena) {
        return switch (shape.length) {
            case 1 -> toFloatMatrix(arena, 1, Math.toIntExact(shape[0]));
            case 2 -> toFloatMatrix(arena, Math.toIntExact(shape[0]), Math.toIntExact(shape[1]));
            default -> throw new PareException(name + ": expected a 1-D or 2-D tensor, found shape " + shapeString());
        };
    }
}
