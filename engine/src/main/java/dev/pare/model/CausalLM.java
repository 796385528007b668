package dev.pare.model;

import dev.pare.io.TensorSource;
import dev.pare.tensor.FloatMatrix;
import dev.pare.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.SegmentAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ObjIntConsumer;

/**
 * A decoder-only language model as three stages — embed, blocks, head — so that callers can run it whole (generation),
 * or block by block over many sequences (evaluation and the compression pipeline, which keep one block resident).
 * Blocks load from the checkpoint on first use and can be unloaded to bound memory.
 */
public abstract class CausalLM implements AutoCloseable {
    protected final ModelConfig config;
    protected final TensorSource source;
    protected final Weights weights;
    /** Owns the embedding and head weights. */
    protected final Arena arena = Arena.ofShared();
    private final Block[] blocks;
    /** Every block has been loaded (and so checked) once. */
    private boolean checked;

    protected CausalLM(ModelConfig config, TensorSource source) {
        this.config = config;
        this.source = source;
        this.weights = new Weights(source);
        this.blocks = new Block[config.layers()];
    }

    public ModelConfig config() {
        return config;
    }

    public TensorSource source() {
        return source;
    }

    public int layers() {
        return blocks.length;
    }

    /** Hidden states [T × hidden] of tokens at positions pos0 … pos0+T−1. */
    public abstract FloatMatrix embed(int[] tokens, int pos0, ForwardContext ctx);

    /** Logits [T × vocab] of the last block's output. */
    public abstract FloatMatrix logits(FloatMatrix hidden, ForwardContext ctx);

    protected abstract Block loadBlock(int index);

    /** Block {@code index}, loaded from the checkpoint if it is not resident. */
    public synchronized Block block(int index) {
        if (blocks[index] == null) blocks[index] = loadBlock(index);
        return blocks[index];
    }

    /**
     * Loads every block once — which checks its tensors: present, shaped as the config says, a float dtype, finite —
     * shows it to {@code each} (may be null) and unloads it again unless it was resident, so a bad checkpoint fails
     * here rather than minutes into a run. Without {@code each}, a model already checked is not loaded again.
     */
    public synchronized void checkBlocks(ObjIntConsumer<Block> each) {
        if (checked && each == null) return;
        for (int i = 0; i < blocks.length; i++) {
            boolean resident = blocks[i] != null;
            Block b = block(i);
            if (each != null) each.accept(b, i);
            if (!resident) unloadBlock(i);
        }
        checked = true;
    }

    /** Frees block {@code index}'s weights; a later {@link #block} reloads them from the checkpoint. */
    public synchronized void unloadBlock(int index) {
        if (blocks[index] != null) {
            blocks[index].close();
            blocks[index] = null;
        }
    }

    /** One fresh cache per block, able to hold {@code capacity} positions. */
    public KvCache[] newCaches(SegmentAllocator cacheArena, int capacity) {
        KvCache[] caches = new KvCache[blocks.length];
        for (int i = 0; i < caches.length; i++) caches[i] = new KvCache(cacheArena, capacity, block(i).kvDim());
        return caches;
    }

    /** One fresh cache per block for a single forward call, in the call's scratch. */
    public KvCache[] newCaches(ForwardContext ctx, int capacity) {
        KvCache[] caches = new KvCache[blocks.length];
        for (int i = 0; i < caches.length; i++) caches[i] = new KvCache(ctx, capacity, block(i).kvDim());
        return caches;
    }

    /** The whole model on new tokens that follow what the caches hold: logits [T × vocab]. */
    public FloatMatrix forward(int[] tokens, KvCache[] caches, ForwardContext ctx) {
        FloatMatrix x = embed(tokens, caches[0].length(), ctx);
        for (int i = 0; i < blocks.length; i++) block(i).forward(x, caches[i], ctx);
        return logits(x, ctx);
    }

    /** Parameters as the checkpoint stores them (tied embeddings counted once). */
    public long parameterCount() {
        long n = 0;
        for (String name : source.names()) n += source.get(name).numel();
        return n;
    }

    public List<Tensor> tensors() {
        List<Tensor> all = new ArrayList<>();
        for (String name : source.names()) all.add(source.get(name));
        return all;
    }

    @Override
    public void close() {
        for (int i = 0; i < blocks.length; i++) unloadBlock(i);
        arena.close();
        source.close();
    }
}
