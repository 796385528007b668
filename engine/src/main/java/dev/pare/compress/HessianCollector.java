package dev.pare.compress;

import dev.pare.backend.Backend;
import dev.pare.backend.Residency;
import dev.pare.model.Linear;
import dev.pare.model.LinearHook;
import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.Arena;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A forward hook that accumulates the Hessian of each watched linear. Layers fed the very same input (q, k and v; gate
 * and up) share one Hessian, accumulated once per sequence — the references compute identical copies.
 */
final class HessianCollector implements LinearHook {
    private final Map<Linear, Hessian> byLayer = new IdentityHashMap<>();
    private final Map<FloatMatrix, Hessian> byInput = new IdentityHashMap<>();
    private final List<Linear> watched;
    private final Backend backend;
    private final Arena arena;
    /** The Hessians stay in the backend's memory (a GPU's) while they accumulate, and come back once, in finish(). */
    private final Residency.Lease lease;

    HessianCollector(List<Linear> watched, Backend backend, Arena arena) {
        this.watched = watched;
        this.backend = backend;
        this.arena = arena;
        this.lease = Residency.of(backend).lease();
    }

    /** Call after the last sequence: the Hessians are then current in host memory. */
    void finish() {
        lease.close();
    }

    /** Call between sequences: inputs are matched by identity within one forward pass only. */
    void nextSequence() {
        byInput.clear();
    }

    @Override
    public void beforeLinear(Linear linear, FloatMatrix input) {
        if (!watched.contains(linear)) return;
        Hessian shared = byInput.get(input);
        Hessian own = byLayer.get(linear);
        if (own == null) {
            if (shared != null) {
                own = shared;
            } else {
                own = new Hessian(arena, linear.columns());
                lease.keep(own.matrix());
            }
            byLayer.put(linear, own);
        }
        if (shared == own) return; // already accumulated from this very input
        own.add(input, 1, backend);
        byInput.put(input, own);
    }

    Hessian of(Linear linear) {
        return byLayer.get(linear);
    }
}
