package dev.pare.compress;

import dev.pare.backend.Backend;
import dev.pare.model.Linear;
import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.Arena;
import java.util.function.Consumer;

/** Round to nearest on the same grids as GPTQ, with no error feedback: the baseline every quantizer is measured against. */
public record Rtn(QuantGrid grid, int groupSize) implements LayerMethod {
    @Override
    public String name() {
        return "rtn";
    }

    @Override
    public boolean needsCalibration() {
        return false;
    }

    @Override
    public LayerOutcome compress(Linear layer, Hessian hessian, double sparsity, Backend backend, Arena scratch, Consumer<String> log) {
        FloatMatrix w = layer.weight();
        // Without error feedback, fitting a group "when reached" is fitting it on the original weights.
        GroupQuantizer quantizer = new GroupQuantizer(grid, w, groupSize, groupSize > 0, null, backend);
        FloatMatrix scale = FloatMatrix.allocate(scratch, w.rows(), w.cols());
        FloatMatrix zero = FloatMatrix.allocate(scratch, w.rows(), w.cols());
        quantizer.block(w, 0, w.cols(), scale, zero);
        int maxq = grid.maxq();
        for (int r = 0; r < w.rows(); r++)
            for (int c = 0; c < w.cols(); c++) w.set(r, c, QuantGrid.quantize(w.get(r, c), scale.get(r, c), zero.get(r, c), maxq));
        return LayerOutcome.NONE;
    }
}
