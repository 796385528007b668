package dev.pare.model;

import dev.pare.backend.Backend;
import dev.pare.backend.Residency;
import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.SegmentAllocator;

/**
 * What one forward call needs besides the weights: the backend that computes, memory for the intermediates (a shared
 * arena or a {@link dev.pare.tensor.Workspace}, since the backend's threads touch them; freed by whoever provided it
 * once the call's outputs are consumed), and the hook that observes linear inputs.
 *
 * @param transients the lease that keeps the intermediates in the backend's memory (a GPU's) for the length of the
 *                   call, so they never cross the bus; {@link Residency.HostResidency} where every op is coherent
 */
public record ForwardContext(Backend backend, SegmentAllocator scratch, LinearHook hook, Residency.Lease transients) {
    public ForwardContext(Backend backend, SegmentAllocator scratch, LinearHook hook) {
        this(backend, scratch, hook, Residency.HostResidency.INSTANCE);
    }

    public FloatMatrix allocate(int rows, int cols) {
        FloatMatrix m = FloatMatrix.allocate(scratch, rows, cols);
        transients.keepTransient(m);
        return m;
    }

    /** y = x·Wᵀ + b for one layer, after showing x to the hook. */
    public FloatMatrix apply(Linear linear, FloatMatrix x) {
        hook.beforeLinear(linear, x);
        FloatMatrix y = allocate(x.rows(), linear.rows());
        backend.linear(x, linear.weight(), linear.bias(), y);
        return y;
    }
}
