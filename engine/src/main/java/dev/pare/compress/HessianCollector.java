package dev.pare.compress;

import dev.pare.backend.Backend;
import dev.pare.backend.Residency;
import dev.pare.model.Block;
import dev.pare.model.Linear;
import dev.pare.model.LinearHook;
import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.Arena;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A forward hook that accumulates the Hessian of each watched linear. Layers fed the very same input (q, k and v; gate
 * and up) share one Hessian, accumulated once per sequence — the references compute identical copies. "The same input"
 * is the same buffer <em>and</em> the same group of {@link Block#sequentialGroups()}: a block may reuse one buffer for
 * different activations (LLaMA normalises into one buffer before attention and again before the MLP), so a buffer seen
 * by q must not be taken for gate's input.
 */
public final class HessianCollector implements LinearHook {
    private record Seen(Hessian hessian, int group) {
    }

    private final Map<Linear, Hessian> byLayer = new IdentityHashMap<>();
    private final Map<FloatMatrix, Seen> byInput = new IdentityHashMap<>();
    private final Map<Linear, Integer> groupOf = new IdentityHashMap<>();
    private final Set<Linear> seenThisSequence = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<Linear> watched;
    private final Backend backend;
    private final Arena arena;
    /** The Hessians stay in the backend's memory (a GPU's) while they accumulate, and come back once, in finish(). */
    private final Residency.Lease lease;

    /** @param watched the linears of {@code block} whose Hessians to accumulate */
    public HessianCollector(Block block, List<Linear> watched, Backend backend, Arena arena) {
        this.watched = watched;
        this.backend = backend;
        this.arena = arena;
        List<List<Linear>> groups = block.sequentialGroups();
        for (int g = 0; g < groups.size(); g++) for (Linear l : groups.get(g)) groupOf.put(l, g);
        this.lease = Residency.of(backend).lease();
    }

    /** Call after the last sequence: the Hessians are then current in host memory. */
    public void finish() {
        lease.close();
    }

    /** Inputs are matched by identity within one forward pass only. */
    @Override
    public void nextSequence() {
        byInput.clear();
        seenThisSequence.clear();
    }

    /** Every watched linear has shown its input in this sequence: the rest of the block's forward pass is not needed. */
    @Override
    public boolean seenAll() {
        return seenThisSequence.size() == watched.size();
    }

    @Override
    public void beforeLinear(Linear linear, FloatMatrix input) {
        if (!watched.contains(linear)) return;
        seenThisSequence.add(linear);
        int group = groupOf.getOrDefault(linear, -1);
        Seen seen = byInput.get(input);
        Hessian shared = seen != null && group >= 0 && seen.group() == group ? seen.hessian() : null;
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
        byInput.put(input, new Seen(own, group));
    }

    public Hessian of(Linear linear) {
        return byLayer.get(linear);
    }
}
