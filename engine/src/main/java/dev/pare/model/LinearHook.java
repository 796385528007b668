package dev.pare.model;

import dev.pare.tensor.FloatMatrix;

/**
 * Sees the input of every linear layer as the forward pass runs: the compression pipeline accumulates each layer's
 * Hessian H = 2·XXᵀ from these, and Wanda its column norms.
 */
@FunctionalInterface
public interface LinearHook {
    LinearHook NONE = (linear, input) -> { };

    /** {@code input} is [tokens × linear.columns()], valid only during the call. */
    void beforeLinear(Linear linear, FloatMatrix input);

    /** Called before each new sequence of a multi-sequence pass (hooks that match inputs by identity reset there). */
    default void nextSequence() {
    }
}
