package dev.pare.io;

import dev.pare.PareException;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the weights of a model the way the user names it: a Hugging Face model directory or a file in it. */
public final class Checkpoints {
    public static final String SINGLE_FILE = "model.safetensors";

    private Checkpoints() {
    }

    /**
     * The tensors of {@code path}: a directory holding {@code model.safetensors} (preferred, as transformers does) or
     * {@code model.safetensors.index.json}; or a {@code .safetensors} file; or an index file.
     */
    public static TensorSource open(Path path) {
        if (Files.isDirectory(path)) {
            Path single = path.resolve(SINGLE_FILE);
            if (Files.isRegularFile(single)) return SafetensorsFile.open(single);
            Path index = path.resolve(ShardedCheckpoint.INDEX_FILE);
            if (Files.isRegularFile(index)) return ShardedCheckpoint.open(index);
            throw new PareException(path + ": no " + SINGLE_FILE + " or " + ShardedCheckpoint.INDEX_FILE);
        }
        if (!Files.exists(path)) throw new PareException(path + ": no such file or directory");
        if (path.getFileName().toString().endsWith(".index.json")) return ShardedCheckpoint.open(path);
        return SafetensorsFile.open(path);
    }
}
