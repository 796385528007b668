package dev.pare.io;

import dev.pare.PareException;
import dev.pare.tensor.DType;
import dev.pare.tensor.FloatMatrix;
import dev.pare.tensor.Tensor;
import dev.pare.util.Chunks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a safetensors file byte-identical to what Python's {@code safetensors.torch.save_file} writes for the same
 * tensors and metadata (see {@link SafetensorsHeader#layout} for the order it imposes).
 *
 * <p>The header is fixed from the {@link TensorSpec}s up front, so tensors can be written as a compression run
 * produces them, in any order and from several threads, each straight to its offset; nothing is held in memory.
 * Output goes to a hidden temporary file beside the target and is renamed onto it only by {@link #commit()}, so a
 * crashed or abandoned run never leaves a half-written model that looks complete. {@link #close()} without a commit
 * deletes the temporary file. {@code commit} and {@code close} must not race with {@code write}s.
 */
public final class SafetensorsWriter implements AutoCloseable {
    public enum Option {
        /** Replace an existing target. Without it Pare refuses, so a typo cannot clobber the input model. */
        OVERWRITE
    }

    private static final ValueLayout.OfLong U64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Largest single positional write; a ByteBuffer cannot view more than 2 GiB anyway. */
    private static final long IO_CHUNK = 64L << 20;
    /** Copy size for segments that cannot be written directly. */
    private static final long BOUNCE_CHUNK = 1L << 20;
    /** Elements converted per chunk when narrowing F32; bounds the scratch memory of a conversion. */
    private static final int CONVERT_CHUNK = 1 << 18;

    private enum State { OPEN, COMMITTED, CLOSED }

    private final Path target;
    private final Path temp;
    private final boolean overwrite;
    private final FileChannel channel;
    private final SafetensorsHeader header;
    private final long dataStart;
    private final Map<String, SafetensorsHeader.Entry> entries = new HashMap<>();
    private final Set<String> written = ConcurrentHashMap.newKeySet();
    private volatile State state = State.OPEN;

    private SafetensorsWriter(Path target, Path temp, boolean overwrite, FileChannel channel, SafetensorsHeader header, long dataStart) {
        this.target = target;
        this.temp = temp;
        this.overwrite = overwrite;
        this.channel = channel;
        this.header = header;
        this.dataStart = dataStart;
        for (SafetensorsHeader.Entry e : header.entries()) entries.put(e.name(), e);
    }

    /**
     * Starts writing {@code target} with these tensors; an empty or null {@code metadata} writes no
     * {@code __metadata__} (the reference treats absent and empty alike on read). Metadata keys keep the map's order.
     */
    public static SafetensorsWriter create(Path target, Map<String, String> metadata, List<TensorSpec> specs, Option... options) {
        boolean overwrite = Arrays.asList(options).contains(Option.OVERWRITE);
        if (Files.isDirectory(target)) throw new PareException(target + ": is a directory, expected a .safetensors file name");
        if (!overwrite && Files.exists(target))
            throw new PareException(target + ": already exists; Pare does not overwrite files unless asked to (overwrite)");

        SafetensorsHeader header = SafetensorsHeader.layout(metadata, specs);
        byte[] json = header.encode();
        Path absolute = target.toAbsolutePath();
        // Same directory, so the final rename is atomic; hidden, so nobody mistakes it for a model.
        Path temp = absolute.resolveSibling("." + absolute.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        FileChannel channel = null;
        try {
            channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            MemorySegment prefix = MemorySegment.ofArray(new byte[8 + json.length]);
            prefix.set(U64_LE, 0, json.length);
            MemorySegment.copy(json, 0, prefix, ValueLayout.JAVA_BYTE, 8, json.length);
            writeFully(channel, prefix, 0);
            return new SafetensorsWriter(target, temp, overwrite, channel, header, prefix.byteSize());
        } catch (IOException e) {
            closeQuietly(channel);
            deleteQuietly(temp);
            throw ioFailure(target, e);
        }
    }

    /** Writes all {@code tensors} to {@code target} in one go. */
    public static void write(Path target, Map<String, String> metadata, List<Tensor> tensors, Option... options) {
        try (SafetensorsWriter w = create(target, metadata, tensors.stream().map(TensorSpec::of).toList(), options)) {
            for (Tensor t : tensors) w.write(t);
            w.commit();
        }
    }

    /** Writes the raw little-endian bytes of tensor {@code name}; their length must match its spec exactly. */
    public void write(String name, MemorySegment bytes) {
        SafetensorsHeader.Entry e = claim(name, bytes.byteSize());
        try {
            writeFully(channel, bytes, dataStart + e.begin());
        } catch (IOException ex) {
            throw ioFailure(target, ex);
        }
    }

    /** Writes a tensor whose dtype and shape match its spec. */
    public void write(Tensor tensor) {
        SafetensorsHeader.Entry e = entry(tensor.name());
        if (e.dtype() != tensor.dtype() || !Arrays.equals(e.shape(), tensor.shape()))
            throw new IllegalArgumentException(target.getFileName() + ": tensor '" + tensor.name() + "' is " + tensor.dtype() + tensor.shapeString()
                    + " but was declared " + e.dtype() + Arrays.toString(e.shape()));
        write(tensor.name(), tensor.data());
    }

    /**
     * Writes F32 {@code values} as tensor {@code name}, converted to the dtype of its spec (F32, F16 or BF16) with
     * round-to-nearest-even, the rounding PyTorch's {@code .to(dtype)} uses, so a compressed weight saved here equals
     * the one Python would have saved. Only the element count must match the spec: a norm weight [n] may come as a
     * 1 × n matrix.
     */
    public void write(String name, FloatMatrix values) {
        SafetensorsHeader.Entry e = entry(name);
        long n = values.size();
        long expected = e.byteSize() / e.dtype().bytes;
        if (n != expected)
            throw new IllegalArgumentException(target.getFileName() + ": tensor '" + name + "' has " + expected + " elements "
                    + Arrays.toString(e.shape()) + " but the matrix has " + n + " (" + values + ")");
        MemorySegment src = values.segment();
        switch (e.dtype()) {
            // FloatMatrix is in native order, which is little-endian on every platform Pare runs on (Tensor assumes the same).
            case F32 -> write(name, src.asSlice(0, n * Float.BYTES));
            case F16, BF16 -> {
                claim(name, e.byteSize());
                boolean bf16 = e.dtype() == DType.BF16;
                // Chunks converted and written in parallel (positional writes): a 7B block is ~200M values.
                try {
                    Chunks.forEach(n, CONVERT_CHUNK, (i0, i1) -> {
                        int len = (int) (i1 - i0);
                        MemorySegment chunk = MemorySegment.ofArray(new byte[len * 2]);
                        for (int i = 0; i < len; i++) {
                            float f = src.getAtIndex(FloatMatrix.F32, i0 + i);
                            chunk.setAtIndex(I16_LE, i, bf16 ? toBf16(f) : Float.floatToFloat16(f));
                        }
                        try {
                            writeFully(channel, chunk, dataStart + e.begin() + i0 * 2);
                        } catch (IOException ex) {
                            throw new UncheckedIOException(ex);
                        }
                    }, src);
                } catch (UncheckedIOException ex) {
                    throw ioFailure(target, ex.getCause());
                }
            }
            default -> throw new IllegalArgumentException(target.getFileName() + ": tensor '" + name + "' is declared " + e.dtype()
                    + "; a float matrix can be written only as F32, F16 or BF16");
        }
    }

    /**
     * F32 to BF16 with round-to-nearest-even. NaN needs its own case: rounding its bits could carry into the exponent,
     * and truncating could drop the payload and leave infinity. It becomes 0x7FC0, c10::BFloat16's scalar choice
     * (PyTorch's vectorized CPU conversion gives 0xFFFF instead, so NaN bytes never matched across paths anyway).
     */
    static short toBf16(float f) {
        if (Float.isNaN(f)) return (short) 0x7FC0;
        int bits = Float.floatToRawIntBits(f);
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }

    /** Checks that every tensor was written, forces the data to disk, and atomically renames the file onto the target. */
    public synchronized void commit() {
        requireOpen();
        List<String> missing = header.entries().stream().map(SafetensorsHeader.Entry::name).filter(n -> !written.contains(n)).toList();
        if (!missing.isEmpty())
            throw new IllegalStateException(target.getFileName() + ": " + missing.size() + " of " + entries.size()
                    + " tensors were never written, first '" + missing.getFirst() + "'");
        try {
            // Durable before visible: after a crash the target is either the old file or the complete new one.
            channel.force(true);
            channel.close();
            if (!overwrite && Files.exists(target))
                throw new PareException(target + ": appeared while Pare was writing it; not overwriting it");
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            state = State.COMMITTED;
        } catch (IOException e) {
            throw ioFailure(target, e);
        }
        syncDirectory(temp.getParent());
    }

    /** Abandons the output unless it was committed: the temporary file is deleted and the target left as it was. */
    @Override
    public synchronized void close() {
        if (state != State.OPEN) return;
        state = State.CLOSED;
        closeQuietly(channel);
        deleteQuietly(temp);
    }

    public Path target() {
        return target;
    }

    private SafetensorsHeader.Entry entry(String name) {
        SafetensorsHeader.Entry e = entries.get(name);
        if (e == null) throw new IllegalArgumentException(target.getFileName() + ": no tensor '" + name + "' among the declared tensors");
        return e;
    }

    /** Marks {@code name} as written after checking its size; writing a tensor twice is a bug in the caller. */
    private SafetensorsHeader.Entry claim(String name, long byteSize) {
        requireOpen();
        SafetensorsHeader.Entry e = entry(name);
        if (byteSize != e.byteSize())
            throw new IllegalArgumentException(target.getFileName() + ": tensor '" + name + "' (" + e.dtype() + Arrays.toString(e.shape())
                    + ") takes " + e.byteSize() + " bytes but " + byteSize + " were given");
        if (!written.add(name)) throw new IllegalStateException(target.getFileName() + ": tensor '" + name + "' was already written");
        return e;
    }

    private void requireOpen() {
        if (state != State.OPEN) throw new IllegalStateException(target.getFileName() + ": writer is already " + state.name().toLowerCase(Locale.ROOT));
    }

    private static void writeFully(FileChannel channel, MemorySegment bytes, long position) throws IOException {
        // A heap segment over a float[] (or any array but byte[]) cannot be viewed as a ByteBuffer: copy it through one.
        boolean viewable = bytes.isNative() || bytes.heapBase().orElse(null) instanceof byte[];
        long chunk = viewable ? IO_CHUNK : Math.min(BOUNCE_CHUNK, bytes.byteSize());
        MemorySegment bounce = viewable ? null : MemorySegment.ofArray(new byte[(int) chunk]);
        for (long off = 0, size = bytes.byteSize(); off < size; off += chunk) {
            long len = Math.min(chunk, size - off);
            MemorySegment piece = bytes.asSlice(off, len);
            if (!viewable) piece = bounce.asSlice(0, len).copyFrom(piece);
            ByteBuffer buf = piece.asByteBuffer();
            long at = position + off;
            while (buf.hasRemaining()) at += channel.write(buf, at);
        }
    }

    /** Makes the rename itself durable; best effort, since not every platform can open a directory. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // The data is already on disk; at worst the rename is replayed or lost with the directory's metadata.
        }
    }

    private static PareException ioFailure(Path target, IOException e) {
        String why = switch (e) {
            case NoSuchFileException _ -> "directory " + target.toAbsolutePath().getParent() + " does not exist";
            case AccessDeniedException _ -> "permission denied";
            default -> String.valueOf(e.getMessage());
        };
        return new PareException(target + ": cannot write (" + why + ")", e);
    }

    private static void closeQuietly(FileChannel c) {
        if (c == null) return;
        try {
            c.close();
        } catch (IOException ignored) {
            // Nothing more can go wrong with a file that is about to be deleted.
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // A leftover hidden .tmp file is harmless and names itself.
        }
    }
}
