package dev.pare.compress;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PackedSizeTest {
    /** Bits counted by hand for the formats the report assumes. */
    @Test
    void packedBitsAreValuesPlusStructurePlusGrids() {
        long rows = 4, cols = 256, size = rows * cols;
        // Dense F16: 16 bits a weight, nothing else.
        assertEquals(16 * size, PackedSize.linearBits(rows, cols, size, false, null, 0, 0));
        // 70% unstructured, F16 values: 30% of the weights × 16 + a one-bit mask for all.
        long nnz = size - 717;
        assertEquals(nnz * 16 + size, PackedSize.linearBits(rows, cols, nnz, true, null, 0, 0));
        // The same with 4-bit g128: 4 bits a kept value, mask, and per row and group an F16 scale and a 4-bit zero.
        assertEquals(nnz * 4 + size + rows * 2 * (16 + 4), PackedSize.linearBits(rows, cols, nnz, true, null, 4, 128));
        // 2:4 with 4-bit per channel: half the values, a 2-bit index each, one grid per row — whatever rounded to zero.
        assertEquals(size / 2 * 4 + size / 2 * 2 + rows * (16 + 4), PackedSize.linearBits(rows, cols, size / 2 - 9, true, new NmPattern(2, 4), 4, 0));
        // GPTQ 3-bit g128 (no pruning): every weight stored.
        assertEquals(size * 3 + rows * 2 * (16 + 3), PackedSize.linearBits(rows, cols, 5, false, null, 3, 128));
    }
}
