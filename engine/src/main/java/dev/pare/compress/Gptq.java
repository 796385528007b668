package dev.pare.compress;

import dev.pare.backend.Backend;
import dev.pare.model.Linear;
import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * GPTQ (Frantar et al., 2022): quantize the columns in order (or by decreasing H_jj with act-order), each error
 * compensated on the columns not yet quantized through the upper Cholesky factor of H⁻¹, in lazy 128-column blocks.
 *
 * @param groupSize    0 for one grid per output channel
 * @param actOrder     quantize the columns with the largest H_jj first
 * @param staticGroups fit every group's grid up front (so act-order keeps contiguous groups for inference kernels)
 */
public record Gptq(QuantGrid grid, int groupSize, boolean actOrder, boolean staticGroups, int blocksize, double percdamp) implements LayerMethod {
    @Override
    public String name() {
        return "gptq";
    }

    @Override
    public boolean needsCalibration() {
        return true;
    }

    @Override
    public LayerOutcome compress(Linear layer, Hessian hessian, double sparsity, Backend backend, Arena scratch, Consumer<String> log) {
        FloatMatrix w = layer.weight();
        // Per-channel grids come from W before dead columns are zeroed; static groups after (the reference's order).
        GroupQuantizer perChannel = groupSize == 0 ? new GroupQuantizer(grid, w, 0, false, null, backend) : null;
        FloatMatrix h = hessian.matrix().copy(scratch);
        int dead = InverseHessian.fixDeadColumns(h, w);

        int[] perm = actOrder ? descendingDiagonal(h) : null;
        GroupQuantizer quantizer = perChannel != null ? perChannel : new GroupQuantizer(grid, w, groupSize, staticGroups, perm, backend);
        FloatMatrix wp = w, hp = h;
        if (perm != null) {
            wp = permuteColumns(w, perm, scratch);
            hp = permuteSymmetric(h, perm, scratch);
        }
        InverseHessian hinv = InverseHessian.factor(hp, percdamp, backend, scratch, layer.name(), log);
        ObsSweep sweep = new ObsSweep();
        sweep.quantizer = quantizer;
        double[] losses = sweep.run(wp, hinv.hinv(), blocksize, backend);
        if (perm != null) unpermuteColumns(wp, perm, w);
        return new LayerOutcome(hinv.percdamp(), SparseGpt.sum(losses), dead);
    }

    /** Columns by decreasing H_jj (stable, so equal diagonals keep their order). */
    static int[] descendingDiagonal(FloatMatrix h) {
        Integer[] idx = new Integer[h.cols()];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        Arrays.sort(idx, (a, b) -> Float.compare(h.get(b, b), h.get(a, a)));
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    static FloatMatrix permuteColumns(FloatMatrix w, int[] perm, Arena arena) {
        FloatMatrix out = FloatMatrix.allocate(arena, w.rows(), w.cols());
        for (int r = 0; r < w.rows(); r++)
            for (int c = 0; c < perm.length; c++) out.set(r, c, w.get(r, perm[c]));
        return out;
    }

    static FloatMatrix permuteSymmetric(FloatMatrix h, int[] perm, Arena arena) {
        FloatMatrix out = FloatMatrix.allocate(arena, h.rows(), h.cols());
        for (int i = 0; i < perm.length; i++)
            for (int j = 0; j < perm.length; j++) out.set(i, j, h.get(perm[i], perm[j]));
        return out;
    }

    static void unpermuteColumns(FloatMatrix permuted, int[] perm, FloatMatrix into) {
        for (int r = 0; r < into.rows(); r++)
            for (int c = 0; c < perm.length; c++) into.set(r, perm[c], permuted.get(r, c));
    }
}
