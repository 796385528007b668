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

    /**
     * True once the current sequence has shown this hook every input it wants: a pass that runs only for the hook's
     * sake ({@link HiddenStates#observe}) stops there, as the references' hooks stop a forward pass by raising.
     */
    default boolean seenAll() {
        return false;
    }
}
