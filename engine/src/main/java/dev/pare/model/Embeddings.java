package dev.pare.model;

import dev.pare.PareException;
import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/** Row lookups into embedding tables. */
final class Embeddings {
    private Embeddings() {
    }

    /** Rows {@code ids} of {@code table} as a fresh [ids.length × cols] matrix. */
    static FloatMatrix lookup(FloatMatrix table, int[] ids, ForwardContext ctx, Path where) {
        FloatMatrix x = ctx.allocate(ids.length, table.cols());
        long rowBytes = (long) table.cols() * Float.BYTES;
        for (int t = 0; t < ids.length; t++) {
            if (ids[t] < 0 || ids[t] >= table.rows())
                throw new PareException(where + ": token id " + ids[t] + " is outside the vocabulary of " + table.rows());
            MemorySegment.copy(table.segment(), table.rowOffset(ids[t]), x.segment(), x.rowOffset(t), rowBytes);
        }
        return x;
    }

    /**
     * x += rows {@code positions + offset} of a learned position table (OPT's offset is 2, GPT-2's 0). The rows are
     * gathered on the host into a fresh matrix and added by the backend, since x may already live in its memory.
     */
    static void addPositions(FloatMatrix x, FloatMatrix table, int pos0, int offset, ForwardContext ctx, Path where) {
        int last = pos0 + x.rows() - 1 + offset;
        if (last >= table.rows())
            throw new PareException(where + ": position " + (pos0 + x.rows() - 1) + " is beyond the model's " + (table.rows() - offset) + " learned positions");
        FloatMatrix rows = ctx.allocate(x.rows(), x.cols());
        rows.copyFrom(table.rows(pos0 + offset, last + 1));
        ctx.backend().add(x, rows);
    }
}
