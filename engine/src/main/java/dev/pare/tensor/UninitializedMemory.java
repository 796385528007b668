package dev.pare.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Native memory whose contents start undefined, for buffers that are overwritten whole right away (a weight converted
 * from F16, a copy, a factorisation's working matrix). {@link Arena#allocate} zero-fills on the calling thread; for the
 * hundreds of MB a 7B layer needs, that memset was the largest single cost of a GPU compression run. Here the memory
 * comes from malloc (large blocks are fresh mmapped pages, faulted in by whichever threads first write them) and is
 * freed with the arena.
 */
public final class UninitializedMemory {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MALLOC = LINKER.downcallHandle(LINKER.defaultLookup().find("malloc").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle FREE = LINKER.downcallHandle(LINKER.defaultLookup().find("free").orElseThrow(),
            FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));

    private UninitializedMemory() {
    }

    /** {@code bytes} of native memory, freed when {@code arena} closes; contents undefined. */
    public static MemorySegment allocate(Arena arena, long bytes) {
        MemorySegment p;
        try {
            p = (MemorySegment) MALLOC.invokeExact(Math.max(1L, bytes));
        } catch (Throwable t) {
            throw new IllegalStateException("malloc(" + bytes + ")", t);
        }
        if (p.equals(MemorySegment.NULL)) throw new OutOfMemoryError("malloc of " + bytes + " bytes of native memory failed");
        return p.reinterpret(bytes, arena, UninitializedMemory::free);
    }

    private static void free(MemorySegment p) {
        try {
            FREE.invokeExact(p);
        } catch (Throwable t) {
            throw new IllegalStateException("free", t);
        }
    }
}
