package dev.pare.io;

import dev.pare.PareException;
import dev.pare.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedSet;

/**
 * One {@code .safetensors} file, memory-mapped: tensors are views of the page cache, so opening a multi-gigabyte
 * checkpoint costs only the header parse, and pages load as the forward pass touches them. The file is validated
 * completely on open (see {@link SafetensorsHeader}), so a bad file fails before any compression work starts, with a
 * message that names the tensor at fault.
 */
public final class SafetensorsFile implements TensorSource {
    private static final ValueLayout.OfLong U64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path location;
    private final Arena arena;
    private final MemorySegment dataArea;
    private final Map<String, String> metadata;
    private final Map<String, SafetensorsHeader.Entry> entries;
    private final SequencedSet<String> names;

    private SafetensorsFile(Path location, Arena arena, MemorySegment dataArea, SafetensorsHeader header) {
        this.location = location;
        this.arena = arena;
        this.dataArea = dataArea;
        this.metadata = header.metadata();
        Map<String, SafetensorsHeader.Entry> byName = new LinkedHashMap<>();
        for (SafetensorsHeader.Entry e : header.entries()) byName.put(e.name(), e);
        this.entries = Collections.unmodifiableMap(byName);
        this.names = Collections.unmodifiableSequencedSet(new LinkedHashSet<>(byName.keySet()));
    }

    /** Maps and validates {@code file}; the returned source owns the mapping until {@link #close()}. */
    public static SafetensorsFile open(Path file) {
        String name = String.valueOf(file.getFileName());
        // Shared, not confined: the forward pass reads weights from worker threads.
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8)
                throw new PareException(name + ": file has " + size + " bytes, too short for a safetensors file (it starts with an 8-byte header length)");
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long headerLength = mapped.get(U64_LE, 0);
            // Unsigned compare: a u64 above 2^63 reads as negative and is just as absurd.
            if (Long.compareUnsigned(headerLength, SafetensorsHeader.MAX_BYTES) > 0)
                throw new PareException(name + ": header length " + Long.toUnsignedString(headerLength) + " exceeds the "
                        + SafetensorsHeader.commas(SafetensorsHeader.MAX_BYTES) + "-byte limit (not a safetensors file?)");
            if (headerLength > size - 8)
                throw new PareException(name + ": header length is " + SafetensorsHeader.commas(headerLength) + " bytes but only "
                        + SafetensorsHeader.commas(size - 8) + " bytes follow the length prefix (file truncated?)");
            byte[] json = mapped.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
            MemorySegment dataArea = mapped.asSlice(8 + headerLength);
            SafetensorsHeader header = SafetensorsHeader.parse(name, json, dataArea.byteSize());
            return new SafetensorsFile(file, arena, dataArea, header);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new PareException(file + ": no such file");
        } catch (AccessDeniedException e) {
            arena.close();
            throw new PareException(file + ": permission denied");
        } catch (IOException e) {
            arena.close();
            throw new PareException(file + ": cannot read (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The header's {@code __metadata__} in file order; empty when it has none. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Tensor names in header order (data order, for files written by the reference library). */
    public List<String> tensorNames() {
        return new ArrayList<>(names);
    }

    @Override
    public SequencedSet<String> names() {
        return names;
    }

    @Override
    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    @Override
    public Tensor get(String name) {
        SafetensorsHeader.Entry e = entries.get(name);
        if (e == null) throw new PareException(location.getFileName() + ": no tensor '" + name + "'");
        if (!arena.scope().isAlive()) throw new IllegalStateException(location.getFileName() + " is closed");
        return new Tensor(e.name(), e.dtype(), e.shape().clone(), dataArea.asSlice(e.begin(), e.byteSize()));
    }

    @Override
    public Path location() {
        return location;
    }

    /** Unmaps the file; tensors obtained from it must not be used afterwards (access then fails, it does not crash). */
    @Override
    public void close() {
        if (arena.scope().isAlive()) arena.close();
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + location + ", " + entries.size() + " tensors]";
    }
}
