package dev.pare.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pare.PareException;
import dev.pare.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedSet;

/**
 * A checkpoint split over several safetensors files by a Hugging Face {@code model.safetensors.index.json}, whose
 * {@code weight_map} names the shard of every tensor. Each shard is mapped once, and the whole index is checked
 * against the shards on open, so that a missing shard or a stale index fails at once rather than halfway through a
 * compression run.
 */
public final class ShardedCheckpoint implements TensorSource {
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final Path index;
    private final Map<String, SafetensorsFile> shardOf;
    private final List<SafetensorsFile> shards;
    private final SequencedSet<String> names;

    private ShardedCheckpoint(Path index, Map<String, SafetensorsFile> shardOf, List<SafetensorsFile> shards) {
        this.index = index;
        this.shardOf = Collections.unmodifiableMap(shardOf);
        this.shards = List.copyOf(shards);
        this.names = Collections.unmodifiableSequencedSet(new LinkedHashSet<>(shardOf.keySet()));
    }

    /** Opens the checkpoint described by the index file {@code index} (its shards lie beside it). */
    public static ShardedCheckpoint open(Path index) {
        String indexName = String.valueOf(index.getFileName());
        Map<String, String> weightMap = readWeightMap(index, indexName);
        Path dir = index.toAbsolutePath().normalize().getParent();

        // Check every shard exists before mapping any, so the message is about the index, not a bare I/O error.
        for (Map.Entry<String, String> kv : weightMap.entrySet()) {
            Path shard = dir.resolve(kv.getValue()).normalize();
            if (!shard.startsWith(dir))
                throw new PareException(indexName + ": tensor '" + kv.getKey() + "' is mapped to '" + kv.getValue()
                        + "', outside the checkpoint's directory (expected a shard file name)");
            if (!Files.isRegularFile(shard))
                throw new PareException(indexName + ": tensor '" + kv.getKey() + "' is mapped to shard '" + kv.getValue()
                        + "', which does not exist in " + dir);
        }

        Map<String, SafetensorsFile> opened = new LinkedHashMap<>();
        try {
            Map<String, SafetensorsFile> shardOf = new LinkedHashMap<>();
            for (Map.Entry<String, String> kv : weightMap.entrySet()) {
                SafetensorsFile shard = opened.get(kv.getValue());
                if (shard == null) {
                    shard = SafetensorsFile.open(dir.resolve(kv.getValue()));
                    opened.put(kv.getValue(), shard);
                }
                if (!shard.contains(kv.getKey()))
                    throw new PareException(indexName + ": tensor '" + kv.getKey() + "' is mapped to shard '" + kv.getValue()
                            + "', which has no such tensor");
                shardOf.put(kv.getKey(), shard);
            }
            return new ShardedCheckpoint(index, shardOf, new ArrayList<>(opened.values()));
        } catch (RuntimeException e) {
            opened.values().forEach(SafetensorsFile::close);
            throw e;
        }
    }

    private static Map<String, String> readWeightMap(Path index, String indexName) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(index));
        } catch (NoSuchFileException e) {
            throw new PareException(index + ": no such file");
        } catch (JsonProcessingException e) {
            throw new PareException(indexName + ": not well-formed JSON: " + e.getOriginalMessage().replaceAll("\\s*\\R\\s*", " "));
        } catch (IOException e) {
            throw new PareException(index + ": cannot read (" + e.getMessage() + ")", e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject())
            throw new PareException(indexName + ": no \"weight_map\" object (expected {\"weight_map\": {tensor name: shard file}})");
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> kv : map.properties()) {
            if (!kv.getValue().isTextual())
                throw new PareException(indexName + ": tensor '" + kv.getKey() + "' maps to " + kv.getValue() + ", expected a shard file name");
            weightMap.put(kv.getKey(), kv.getValue().textValue());
        }
        return weightMap;
    }

    /** The shards in the order the index first mentions them. */
    public List<SafetensorsFile> shards() {
        return shards;
    }

    /** Tensor names in the index's order. */
    @Override
    public SequencedSet<String> names() {
        return names;
    }

    @Override
    public boolean contains(String name) {
        return shardOf.containsKey(name);
    }

    @Override
    public Tensor get(String name) {
        SafetensorsFile shard = shardOf.get(name);
        if (shard == null) throw new PareException(index.getFileName() + ": no tensor '" + name + "' in the weight map");
        return shard.get(name);
    }

    /** The index file. */
    @Override
    public Path location() {
        return index;
    }

    @Override
    public void close() {
        shards.forEach(SafetensorsFile::close);
    }

    @Override
    public String toString() {
        return "ShardedCheckpoint[" + index + ", " + shardOf.size() + " tensors in " + shards.size() + " shards]";
    }
}
