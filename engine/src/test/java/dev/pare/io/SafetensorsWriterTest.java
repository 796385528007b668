package dev.pare.io;

import dev.pare.PareException;
import dev.pare.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The writer's promises about the file system: nothing visible until commit, nothing left behind, no overwrite. */
class SafetensorsWriterTest {
    @TempDir
    Path dir;

    private final List<TensorSpec> specs = List.of(
            new TensorSpec("a", DType.F32, new long[]{2}),
            new TensorSpec("b", DType.I8, new long[]{3}));

    @Test
    void closeWithoutCommitLeavesNeitherTargetNorTemporaryFile() throws IOException {
        Path target = dir.resolve("out.safetensors");
        try (SafetensorsWriter w = SafetensorsWriter.create(target, Map.of(), specs)) {
            w.write("a", MemorySegment.ofArray(new float[2]));
            List<String> during = names();
            assertEquals(1, during.size(), "only the temporary file while writing: " + during);
            assertTrue(during.getFirst().startsWith(".out.safetensors.tmp-"), during.getFirst());
            assertFalse(Files.exists(target));
        }
        assertEquals(List.of(), names());
    }

    @Test
    void commitRefusesWhileATensorIsUnwrittenAndCloseThenCleansUp() throws IOException {
        Path target = dir.resolve("out.safetensors");
        try (SafetensorsWriter w = SafetensorsWriter.create(target, Map.of(), specs)) {
            w.write("b", MemorySegment.ofArray(new byte[3]));
            IllegalStateException e = assertThrows(IllegalStateException.class, w::commit);
            assertTrue(e.getMessage().contains("'a'"), e.getMessage());
        }
        assertEquals(List.of(), names());
    }

    @Test
    void commitPublishesTheCompleteFileAndNothingElse() throws IOException {
        Path target = dir.resolve("out.safetensors");
        try (SafetensorsWriter w = SafetensorsWriter.create(target, Map.of(), specs)) {
            w.write("b", MemorySegment.ofArray(new byte[]{1, 2, 3}));
            w.write("a", MemorySegment.ofArray(new float[]{1.5f, -2f}));
            w.commit();
        }
        assertEquals(List.of("out.safetensors"), names());
        try (SafetensorsFile f = SafetensorsFile.open(target)) {
            assertEquals(-2f, f.get("a").getFloat(1));
            assertEquals(3, f.get("b").getLong(2));
        }
    }

    @Test
    void existingTargetIsRefusedUnlessOverwriteIsAsked() throws IOException {
        Path target = dir.resolve("model.safetensors");
        Files.writeString(target, "the input model");
        PareException e = assertThrows(PareException.class, () -> SafetensorsWriter.create(target, Map.of(), specs));
        assertTrue(e.getMessage().startsWith(target + ": already exists"), e.getMessage());
        assertEquals("the input model", Files.readString(target));
        assertEquals(List.of("model.safetensors"), names());

        try (SafetensorsWriter w = SafetensorsWriter.create(target, Map.of(), specs, SafetensorsWriter.Option.OVERWRITE)) {
            w.write("a", MemorySegment.ofArray(new float[2]));
            w.write("b", MemorySegment.ofArray(new byte[3]));
            w.commit();
        }
        try (SafetensorsFile f = SafetensorsFile.open(target)) {
            assertEquals(2, f.names().size());
        }
    }

    @Test
    void writesOfTheWrongSizeOrTwiceAreRejected() {
        try (SafetensorsWriter w = SafetensorsWriter.create(dir.resolve("out.safetensors"), Map.of(), specs)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.write("a", MemorySegment.ofArray(new float[3])));
            assertTrue(e.getMessage().contains("takes 8 bytes but 12 were given"), e.getMessage());
            w.write("a", MemorySegment.ofArray(new float[2]));
            assertThrows(IllegalStateException.class, () -> w.write("a", MemorySegment.ofArray(new float[2])));
            assertThrows(IllegalArgumentException.class, () -> w.write("c", MemorySegment.ofArray(new float[2])));
        }
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
