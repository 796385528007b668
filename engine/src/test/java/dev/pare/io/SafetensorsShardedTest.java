package dev.pare.io;

import dev.pare.PareException;
import dev.pare.tensor.DType;
import dev.pare.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sharded checkpoints and {@link Checkpoints#open}. */
class SafetensorsShardedTest {
    @TempDir
    Path dir;

    @Test
    void llama20mOpensAsOneSourceOfAllItsShards() {
        Path model = TestFiles.shared("models/llama20m");
        try (TensorSource source = Checkpoints.open(model)) {
            ShardedCheckpoint sharded = assertInstanceOf(ShardedCheckpoint.class, source);
            assertEquals(75, sharded.names().size());
            assertEquals(3, sharded.shards().size());
            Tensor up = sharded.get("model.layers.3.mlp.up_proj.weight");
            assertEquals(DType.F16, up.dtype());
            assertArrayEquals(new long[]{1024, 384}, up.shape());
            Tensor head = sharded.get("lm_head.weight");
            assertArrayEquals(new long[]{8192, 384}, head.shape());
            assertTrue(Float.isFinite(head.getFloat(head.numel() - 1)));
        }
    }

    @Test
    void modelDirectoryWithOneFileOpensThatFile() {
        try (TensorSource source = Checkpoints.open(TestFiles.demoModel().getParent())) {
            assertInstanceOf(SafetensorsFile.class, source);
            assertTrue(source.contains("model.embed_tokens.weight"));
        }
        try (TensorSource source = Checkpoints.open(TestFiles.demoModel())) {
            assertEquals(TestFiles.demoModel(), source.location());
        }
    }

    @Test
    void directoryWithoutWeightsNamesBothExpectedFiles() {
        PareException e = assertThrows(PareException.class, () -> Checkpoints.open(dir));
        assertEquals(dir + ": no model.safetensors or model.safetensors.index.json", e.getMessage());
    }

    @Test
    void indexPointingAtAMissingShardNamesIndexTensorAndShard() throws IOException {
        writeShard("model-00001-of-00002.safetensors", "a.weight");
        writeIndex("""
                {"metadata": {"total_size": 16}, "weight_map": {
                  "a.weight": "model-00001-of-00002.safetensors",
                  "b.weight": "model-00002-of-00002.safetensors"}}""");
        String msg = assertOneLineError(() -> Checkpoints.open(dir));
        assertTrue(msg.startsWith("model.safetensors.index.json: tensor 'b.weight'"), msg);
        assertTrue(msg.contains("'model-00002-of-00002.safetensors'") && msg.contains("does not exist"), msg);
    }

    @Test
    void indexNamingATensorItsShardLacksNamesIndexTensorAndShard() throws IOException {
        writeShard("model-00001-of-00001.safetensors", "a.weight");
        writeIndex("""
                {"weight_map": {"a.weight": "model-00001-of-00001.safetensors", "ghost.weight": "model-00001-of-00001.safetensors"}}""");
        String msg = assertOneLineError(() -> Checkpoints.open(dir));
        assertEquals("model.safetensors.index.json: tensor 'ghost.weight' is mapped to shard 'model-00001-of-00001.safetensors',"
                + " which has no such tensor", msg);
    }

    private void writeShard(String name, String tensor) {
        SafetensorsWriter.write(dir.resolve(name), Map.of("format", "pt"),
                List.of(new Tensor(tensor, DType.F32, new long[]{4}, MemorySegment.ofArray(new float[4]))));
    }

    private void writeIndex(String json) throws IOException {
        Files.writeString(dir.resolve(ShardedCheckpoint.INDEX_FILE), json);
    }

    private static String assertOneLineError(org.junit.jupiter.api.function.Executable open) {
        String msg = assertThrows(PareException.class, open).getMessage();
        assertEquals(1, msg.lines().count(), "one line: " + msg);
        return msg;
    }
}
