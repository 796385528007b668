package dev.pare.compress;

import dev.pare.backend.Backend;
import dev.pare.model.Linear;

import java.lang.foreign.Arena;
import java.util.function.Consumer;

/** A compression method for one linear layer: it rewrites layer.weight() in place. */
public interface LayerMethod {
    /** The method's name in reports and on the command line. */
    String name();

    /** Whether it needs calibration statistics (the Hessian, or Wanda's input norms taken from its diagonal). */
    boolean needsCalibration();

    /**
     * @param hessian  the layer's Hessian (null when {@link #needsCalibration()} is false and no calibration ran)
     * @param sparsity the fraction of this layer's weights to remove (from the schedule; 0 for quantize-only methods)
     * @param scratch  for temporaries, closed by the caller after the call
     * @param log      one-line notices (damping raised, …)
     */
    LayerOutcome compress(Linear layer, Hessian hessian, double sparsity, Backend backend, Arena scratch, Consumer<String> log);
}
