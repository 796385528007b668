package dev.pare.compress;

import dev.pare.backend.Backend;
import dev.pare.tensor.FloatMatrix;
import dev.pare.util.Chunks;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Which scale and zero quantize each weight, in GPTQ's three regimes: per channel (one grid per row, fitted on the
 * whole row up front), grouped (a new grid every groupSize columns, fitted on the weights as they stand when the sweep's
 * block reaches the group — so later groups see the error feedback of earlier ones), and static groups (all grids
 * fitted up front in the original column order, so act-order still stores one grid per contiguous group). A last group
 * shorter than groupSize is fitted on what remains, as the reference's slicing does.
 */
final class GroupQuantizer {
    private final QuantGrid grid;
    private final Backend backend;
    private final int groupSize;
    private final int[] perm;
    private final float[][] staticScale, staticZero;
    /** The grid fitted last (per channel: the only one). */
    private float[] scale, zero;
    private int fittedGroupStart = -1;

    /**
     * @param w            the weights before the sweep, in the original column order (per-channel and static grids come from here)
     * @param groupSize    0 for per channel
     * @param staticGroups fit every group now rather than when the sweep reaches it
     * @param perm         the act-order permutation (sweep column → original column), or null
     * @param backend      fits the grids where w lives (during the sweep, possibly a GPU)
     */
    GroupQuantizer(QuantGrid grid, FloatMatrix w, int groupSize, boolean staticGroups, int[] perm, Backend backend) {
        this.grid = grid;
        this.backend = backend;
        this.groupSize = groupSize;
        this.perm = perm;
        int rows = w.rows();
        scale = new float[rows];
        zero = new float[rows];
        if (groupSize == 0) {
            grid.fit(w, 0, w.cols(), scale, zero, backend);
            staticScale = staticZero = null;
        } else if (staticGroups) {
            int groups = (w.cols() + groupSize - 1) / groupSize;
            staticScale = new float[groups][rows];
            staticZero = new float[groups][rows];
            for (int g = 0; g < groups; g++) grid.fit(w, g * groupSize, Math.min(w.cols(), (g + 1) * groupSize), staticScale[g], staticZero[g], backend);
        } else {
            staticScale = staticZero = null;
        }
    }

    QuantGrid grid() {
        return grid;
    }

    /**
     * The grid of every weight in sweep columns [i1, i2) into scale/zero [rows × (i2−i1)]; {@code w} is the
     * (permuted) weight matrix as it stands at the start of the block.
     */
    void block(FloatMatrix w, int i1, int i2, FloatMatrix blockScale, FloatMatrix blockZero) {
        int count = i2 - i1, rows = w.rows();
        // Which grid each column uses, in column order (a refit replaces the arrays, so earlier columns keep theirs) …
        float[][] colScale = new float[count][], colZero = new float[count][];
        for (int c = i1; c < i2; c++) {
            if (staticScale != null) {
                int g = (perm != null ? perm[c] : c) / groupSize;
                colScale[c - i1] = staticScale[g];
                colZero[c - i1] = staticZero[g];
                continue;
            }
            if (groupSize > 0 && (c % groupSize == 0 || fittedGroupStart < 0)) {
                int start = c - c % groupSize;
                scale = new float[rows];
                zero = new float[rows];
                grid.fit(w, start, Math.min(w.cols(), start + groupSize), scale, zero, backend);
                fittedGroupStart = start;
            }
            colScale[c - i1] = scale;
            colZero[c - i1] = zero;
        }
        // … then written row by row (the block matrices are row-major), one fill per run of columns sharing a grid.
        int[] runStart = new int[count + 1];
        int runs = 0;
        for (int c = 0; c < count; c++) if (c == 0 || colScale[c] != colScale[c - 1]) runStart[runs++] = c;
        runStart[runs] = count;
        int runCount = runs;
        Chunks.forEach(rows, 256, (r0, r1) -> {
            float[] rowScale = new float[count], rowZero = new float[count];
            for (int r = (int) r0; r < r1; r++) {
                for (int k = 0; k < runCount; k++) {
                    int a = runStart[k], b = runStart[k + 1];
                    Arrays.fill(rowScale, a, b, colScale[a][r]);
                    Arrays.fill(rowZero, a, b, colZero[a][r]);
                }
                MemorySegment.copy(rowScale, 0, blockScale.segment(), FloatMatrix.F32, blockScale.rowOffset(r), count);
                MemorySegment.copy(rowZero, 0, blockZero.segment(), FloatMatrix.F32, blockZero.rowOffset(r), count);
            }
        }, blockScale.segment(), blockZero.segment());
    }
}
