package dev.pare.tensor;

import dev.pare.util.Chunks;

import java.lang.foreign.Arena;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A dense row-major F32 matrix in off-heap memory: activations are [tokens × features], weights are [out × in]
 * (the PyTorch {@code nn.Linear} layout). The segment belongs to whoever allocated it (an arena of the model, a block or
 * a compression step); a matrix never frees memory itself.
 */
public final class FloatMatrix {
    public static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final int rows;
    private final int cols;
    private final MemorySegment segment;

    public FloatMatrix(int rows, int cols, MemorySegment segment) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("negative shape " + rows + "x" + cols);
        if (segment.byteSize() < (long) rows * cols * Float.BYTES)
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes is too small for " + rows + "x" + cols);
        this.rows = rows;
        this.cols = cols;
        this.segment = segment;
    }

    /** A zero-filled matrix from {@code arena} (an Arena or a {@link Workspace}), aligned for vector loads. */
    public static FloatMatrix allocate(SegmentAllocator arena, int rows, int cols) {
        return new FloatMatrix(rows, cols, arena.allocate((long) rows * cols * Float.BYTES, 64));
    }

    /**
     * A matrix whose values start undefined, for one the caller overwrites whole; from an {@link Arena} this skips the
     * zero-fill (see {@link UninitializedMemory}), from any other allocator it is {@link #allocate}.
     */
    public static FloatMatrix allocateUninitialized(SegmentAllocator allocator, int rows, int cols) {
        if (!(allocator instanceof Arena arena)) return allocate(allocator, rows, cols);
        return new FloatMatrix(rows, cols, UninitializedMemory.allocate(arena, (long) rows * cols * Float.BYTES));
    }

    /** A zero matrix from {@code arena}, zeroed in parallel chunks (a 485 MB Hessian is zeroed once per layer group). */
    public static FloatMatrix allocateZeroed(Arena arena, int rows, int cols) {
        FloatMatrix m = allocateUninitialized(arena, rows, cols);
        Chunks.forEach(m.size() * Float.BYTES, 1L << 24, (from, to) -> m.segment.asSlice(from, to - from).fill((byte) 0), m.segment);
        return m;
    }

    public static FloatMatrix of(SegmentAllocator arena, int rows, int cols, float[] data) {
        if (data.length != rows * cols) throw new IllegalArgumentException(data.length + " values for " + rows + "x" + cols);
        FloatMatrix m = allocate(arena, rows, cols);
        MemorySegment.copy(data, 0, m.segment, F32, 0, data.length);
        return m;
    }

    public int rows() { return rows; }

    public int cols() { return cols; }

    public long size() { return (long) rows * cols; }

    public MemorySegment segment() { return segment; }

    public float get(int r, int c) {
        return segment.getAtIndex(F32, (long) r * cols + c);
    }

    public void set(int r, int c, float v) {
        segment.setAtIndex(F32, (long) r * cols + c, v);
    }

    /** Byte offset of row {@code r}. */
    public long rowOffset(int r) {
        return (long) r * cols * Float.BYTES;
    }

    /** Rows [from, to) as a matrix sharing this one's memory. */
    public FloatMatrix rows(int from, int to) {
        if (from < 0 || to > rows || from > to) throw new IndexOutOfBoundsException("rows " + from + ".." + to + " of " + rows);
        return new FloatMatrix(to - from, cols, segment.asSlice(rowOffset(from), (long) (to - from) * cols * Float.BYTES));
    }

    /** The same memory seen with another shape of the same element count. */
    public FloatMatrix reshape(int newRows, int newCols) {
        if ((long) newRows * newCols != size()) throw new IllegalArgumentException("cannot reshape " + rows + "x" + cols + " to " + newRows + "x" + newCols);
        return new FloatMatrix(newRows, newCols, segment);
    }

    public float[] toArray() {
        float[] a = new float[Math.toIntExact(size())];
        MemorySegment.copy(segment, F32, 0, a, 0, a.length);
        return a;
    }

    public float[] row(int r) {
        float[] a = new float[cols];
        MemorySegment.copy(segment, F32, rowOffset(r), a, 0, cols);
        return a;
    }

    /** this = other, copied in parallel chunks when both segments are shared. */
    public void copyFrom(FloatMatrix other) {
        if (other.rows != rows || other.cols != cols) throw new IllegalArgumentException("shape " + other.rows + "x" + other.cols + " into " + rows + "x" + cols);
        Chunks.forEach(size() * Float.BYTES, 1L << 24, (from, to) -> MemorySegment.copy(other.segment, from, segment, from, to - from), other.segment, segment);
    }

    public FloatMatrix copy(SegmentAllocator arena) {
        FloatMatrix m = allocateUninitialized(arena, rows, cols);
        m.copyFrom(this);
        return m;
    }

    public void fill(float v) {
        for (long i = 0, n = size(); i < n; i++) segment.setAtIndex(F32, i, v);
    }

    @Override
    public String toString() {
        return "FloatMatrix[" + rows + "x" + cols + "]";
    }
}
