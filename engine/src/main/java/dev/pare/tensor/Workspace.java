package dev.pare.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * Scratch memory reused across calls: a bump allocator over one slab that {@link #reset()} rewinds. Forward passes
 * allocate many large intermediates per call; fresh native allocations would be mapped and unmapped by the OS each time
 * (page faults dominate a CPU forward pass that way), so every repeated computation allocates here and resets between
 * repetitions. Slices are zero-filled, like an arena's, unless made without: forward passes write every intermediate
 * whole before reading it, and zeroing them on the calling thread would be a serial share of every op (a GPU's never
 * even touch the host side). Shared, so the backend's worker threads can touch them.
 */
public final class Workspace implements SegmentAllocator, AutoCloseable {
    /** The byte every slice is filled with, or -1 for none. */
    private final int fill;
    /** Slabs outgrown since the last reset, freed by it. */
    private final List<Arena> retired = new ArrayList<>();
    private final List<MemorySegment> retiredSlabs = new ArrayList<>();
    private Arena arena = Arena.ofShared();
    private MemorySegment slab = MemorySegment.NULL;
    private long offset;
    private long peak;

    /** A workspace whose slices are zero-filled. */
    public Workspace() {
        this(true);
    }

    /** @param zeroFill whether slices are zero-filled (false: they hold whatever an earlier round left there) */
    public Workspace(boolean zeroFill) {
        this(zeroFill ? 0 : -1);
    }

    private Workspace(int fill) {
        this.fill = fill;
    }

    /** For tests: every slice starts as NaN, so a computation that reads an intermediate before writing it shows. */
    public static Workspace filledWithNaN() {
        return new Workspace(0xFF);
    }

    @Override
    public synchronized MemorySegment allocate(long byteSize, long byteAlignment) {
        long start = (slab.address() + offset + byteAlignment - 1) / byteAlignment * byteAlignment - slab.address();
        if (slab.byteSize() == 0 || start + byteSize > slab.byteSize()) {
            // Grow: older slices stay valid until the next reset, which folds everything into one slab.
            long size = Math.max(byteSize + byteAlignment, 2 * slab.byteSize());
            if (slab.byteSize() > 0) {
                retired.add(arena);
                retiredSlabs.add(slab);
                arena = Arena.ofShared();
            }
            slab = arena.allocate(size, 64);
            offset = 0;
            start = (slab.address() + byteAlignment - 1) / byteAlignment * byteAlignment - slab.address();
        }
        MemorySegment s = slab.asSlice(start, byteSize);
        offset = start + byteSize;
        peak = Math.max(peak, used());
        if (fill >= 0) s.fill((byte) fill);
        return s;
    }

    private long used() {
        long n = offset;
        for (MemorySegment r : retiredSlabs) n += r.byteSize();
        return n;
    }

    /** Frees every slice handed out since the last reset (they must no longer be used). */
    public synchronized void reset() {
        if (!retired.isEmpty()) {
            // One slab large enough for the whole last round, so the next round does not grow again.
            retired.forEach(Arena::close);
            retired.clear();
            retiredSlabs.clear();
            arena.close();
            arena = Arena.ofShared();
            slab = arena.allocate(peak + 4096, 64);
        }
        offset = 0;
    }

    @Override
    public synchronized void close() {
        retired.forEach(Arena::close);
        arena.close();
    }
}
