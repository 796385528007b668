package dev.pare.compress;

import dev.pare.tensor.FloatMatrix;

/**
 * What a compressed linear would occupy stored packed, in bits: kept values at the grid's width (F16 when not
 * quantized), the sparsity structure (a bitmask for unstructured, a ⌈log₂M⌉-bit index per kept weight for N:M), and per
 * row and group an F16 scale and a bits-wide zero point. The checkpoint Pare writes is dense; this is the size a packed
 * format (GPTQ's qweight/qzeros/scales, a bitmask or NVIDIA's 2:4 metadata) makes of it.
 */
public final class PackedSize {
    private PackedSize() {
    }

    /**
     * @param pruned    whether the method pruned (a structure must be stored)
     * @param nm        the N:M pattern, or null
     * @param bits      the grid width, 0 for unquantized F16 values
     * @param groupSize 0 for one grid per row
     */
    public static long linearBits(FloatMatrix w, boolean pruned, NmPattern nm, int bits, int groupSize) {
        long size = w.size(), zeros = pruned ? Math.round(CompressionPipeline.zeros(w) * size) : 0;
        return linearBits(w.rows(), w.cols(), size - zeros, pruned, nm, bits, groupSize);
    }

    /**
     * The same from the counts alone, for a layer of {@code rows × cols} that keeps {@code nnz} weights. A weight that
     * the grid rounds to zero is stored as pruned (the structure already says where the zeros are).
     */
    public static long linearBits(long rows, long cols, long nnz, boolean pruned, NmPattern nm, int bits, int groupSize) {
        long size = rows * cols;
        if (!pruned) nnz = size;
        // N:M formats store exactly M−N values per group of M, zeros among them included.
        if (pruned && nm != null) nnz = size / nm.m() * (nm.m() - nm.n());
        long values = nnz * (bits > 0 ? bits : 16);
        long structure = !pruned ? 0 : nm != null ? nnz * (32 - Integer.numberOfLeadingZeros(nm.m() - 1)) : size;
        long groups = bits == 0 ? 0 : groupSize > 0 ? (cols + groupSize - 1) / groupSize : 1;
        long params = rows * groups * (16 + bits);
        return values + structure + params;
    }
}
