package dev.pare.compress;

import dev.pare.backend.Backend;
import dev.pare.model.Linear;
import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.Arena;
import java.util.function.Consumer;

/**
 * SparseGPT (Frantar & Alistarh, 2023): one OBS sweep over the columns; per block of 128 the mask keeps the weights
 * with the largest w²/[H⁻¹]_jj² (or N:M of every M), and each pruned weight's error is spread over the columns after it.
 * With a grid it also quantizes in the same sweep (the reference's --wbits): per channel, fitted once on the whole
 * weight, or — Pare's addition — refitted every group as GPTQ does.
 *
 * @param nm        N:M pattern, or null for unstructured
 * @param grid      joint quantization grid, or null
 * @param groupSize 0 for a per-channel grid
 */
public record SparseGpt(NmPattern nm, QuantGrid grid, int groupSize, int blocksize, double percdamp) implements LayerMethod {
    @Override
    public String name() {
        return "sparsegpt";
    }

    @Override
    public boolean needsCalibration() {
        return true;
    }

    @Override
    public LayerOutcome compress(Linear layer, Hessian hessian, double sparsity, Backend backend, Arena scratch, Consumer<String> log) {
        FloatMatrix w = layer.weight();
        // The reference fits the per-channel grid on W before dead columns are zeroed.
        GroupQuantizer quantizer = grid == null ? null : new GroupQuantizer(grid, w, groupSize, false, null, backend);
        FloatMatrix h = hessian.matrix().copy(scratch);
        int dead = InverseHessian.fixDeadColumns(h, w);
        InverseHessian hinv = InverseHessian.factor(h, percdamp, backend, scratch, layer.name(), log);

        ObsSweep sweep = new ObsSweep();
        if (nm != null) {
            sweep.prunen = nm.n();
            sweep.prunem = nm.m();
        } else if (sparsity > 0) {
            sweep.sparsity = sparsity;
        }
        sweep.quantizer = quantizer;
        double[] losses = sweep.run(w, hinv.hinv(), blocksize, backend);
        return new LayerOutcome(hinv.percdamp(), sum(losses), dead);
    }

    static double sum(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s;
    }
}
