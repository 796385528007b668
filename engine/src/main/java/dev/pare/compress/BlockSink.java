package dev.pare.compress;

import dev.pare.model.Block;

/** Receives each block as soon as its linears are compressed (the output checkpoint is written block by block). */
@FunctionalInterface
public interface BlockSink {
    void accept(int index, Block block);
}
