package dev.pare.io;

import dev.pare.tensor.Tensor;

import java.nio.file.Path;
import java.util.Set;

/**
 * Named tensors of a checkpoint, wherever they come from: one safetensors file, a sharded set, or an imported
 * llama2.c file. Names follow the Hugging Face checkpoint of the architecture. The source owns the memory of the
 * tensors it returns; they stay valid until it is closed.
 */
public interface TensorSource extends AutoCloseable {
    Set<String> names();

    boolean contains(String name);

    /** The tensor, or a {@link dev.pare.PareException} naming the checkpoint and the missing tensor. */
    Tensor get(String name);

    /** Where the tensors live, for messages. */
    Path location();

    @Override
    void close();
}
