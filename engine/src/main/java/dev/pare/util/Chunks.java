package dev.pare.util;

import java.lang.foreign.MemorySegment;
import java.util.stream.LongStream;

/**
 * Element-wise work over large segments (dtype conversions of a 7B block touch ~200M values) split into chunks that
 * run in parallel — unless a segment is confined to the calling thread, where the chunks run one after another.
 */
public final class Chunks {
    /** Any thread but the caller: a segment it may access is shared. */
    private static final Thread OTHER = new Thread(() -> { });

    private Chunks() {
    }

    @FunctionalInterface
    public interface Range {
        void run(long from, long to);
    }

    /** body(from, to) over [0, n) in chunks of {@code chunk} elements; {@code touched} are the segments the body uses. */
    public static void forEach(long n, long chunk, Range body, MemorySegment... touched) {
        long count = (n + chunk - 1) / chunk;
        boolean shared = count > 1;
        for (MemorySegment s : touched) shared &= s.isAccessibleBy(OTHER);
        LongStream chunks = LongStream.range(0, count);
        (shared ? chunks.parallel() : chunks).forEach(c -> body.run(c * chunk, Math.min(n, (c + 1) * chunk)));
    }
}
