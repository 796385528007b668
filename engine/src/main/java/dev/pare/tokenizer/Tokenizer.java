package dev.pare.tokenizer;

/** Text to token ids and back, as the model was trained. */
public interface Tokenizer extends AutoCloseable {
    /** Token ids of {@code text}, with no BOS/EOS added. */
    int[] encode(String text);

    String decode(int[] ids);

    int vocabSize();

    /** The beginning-of-sequence id, or -1 when the tokenizer has none. */
    int bosId();

    /** The end-of-sequence id, or -1 when the tokenizer has none. */
    int eosId();

    @Override
    default void close() {
    }
}
