package dev.pare.model;

import dev.pare.PareException;
import dev.pare.io.TensorSource;
import dev.pare.tensor.FloatMatrix;
import dev.pare.util.Chunks;
import dev.pare.tensor.Tensor;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * Reads a checkpoint's tensors into F32 matrices, checking each against the shape the config implies, so that a wrong
 * or missing tensor is reported by name before any arithmetic runs.
 */
final class Weights {
    private final TensorSource source;

    Weights(TensorSource source) {
        this.source = source;
    }

    boolean has(String name) {
        return source.contains(name);
    }

    /** A 2-D tensor stored as [rows, cols]. */
    FloatMatrix matrix(Arena arena, String name, int rows, int cols) {
        return checked(tensor(name, rows, cols).toFloatMatrix(arena, rows, cols), name);
    }

    /** A 2-D tensor stored as [cols, rows] (GPT-2's Conv1D), returned as [rows × cols]. */
    FloatMatrix transposed(Arena arena, String name, int rows, int cols) {
        FloatMatrix stored = tensor(name, cols, rows).toFloatMatrix(arena, cols, rows);
        FloatMatrix m = FloatMatrix.allocate(arena, rows, cols);
        for (int r = 0; r < cols; r++)
            for (int c = 0; c < rows; c++) m.set(c, r, stored.get(r, c));
        return checked(m, name);
    }

    /** A 1-D tensor of n elements as a 1×n row. */
    FloatMatrix vector(Arena arena, String name, int n) {
        return checked(tensor(name, n).toFloatMatrix(arena, 1, n), name);
    }

    /** The 1-D tensor, or null when {@code present} is false. */
    FloatMatrix vectorIf(boolean present, Arena arena, String name, int n) {
        return present ? vector(arena, name, n) : null;
    }

    /** The linear {@code prefix}.weight [out × in] with {@code prefix}.bias when {@code bias}. */
    Linear linear(Arena arena, String prefix, int out, int in, boolean bias) {
        return new Linear(prefix + ".weight", matrix(arena, prefix + ".weight", out, in), vectorIf(bias, arena, prefix + ".bias", out), false);
    }

    /** A Conv1D layer (GPT-2): weight stored [in, out]. */
    Linear conv1d(Arena arena, String prefix, int out, int in) {
        return new Linear(prefix + ".weight", transposed(arena, prefix + ".weight", out, in), vector(arena, prefix + ".bias", out), true);
    }

    private Tensor tensor(String name, long... shape) {
        if (!source.contains(name))
            throw new PareException(source.location() + ": tensor '" + name + "' named by the config is missing");
        Tensor t = source.get(name);
        if (!Arrays.equals(t.shape(), shape))
            throw new PareException(source.location() + ": tensor '" + name + "' has shape " + t.shapeString()
                    + " but the config implies " + Arrays.toString(shape));
        if (!t.dtype().isFloat())
            throw new PareException(source.location() + ": tensor '" + name + "' has dtype " + t.dtype() + ", expected F32, F16 or BF16");
        return t;
    }

    private FloatMatrix checked(FloatMatrix m, String name) {
        // The first non-finite element, rows scanned in parallel (a 7B block holds ~200M weights).
        LongAccumulator first = new LongAccumulator(Math::min, Long.MAX_VALUE);
        Chunks.forEach(m.rows(), 64, (r0, r1) -> {
            for (int r = (int) r0; r < r1; r++)
                for (int c = 0; c < m.cols(); c++)
                    if (!Float.isFinite(m.get(r, c))) {
                        first.accumulate((long) r * m.cols() + c);
                        return;
                    }
        }, m.segment());
        long bad = first.get();
        if (bad != Long.MAX_VALUE)
            throw new PareException(source.location() + ": tensor '" + name + "' holds " + m.segment().getAtIndex(FloatMatrix.F32, bad)
                    + " at element " + bad + " (weights must be finite)");
        return m;
    }
}
