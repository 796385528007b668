package dev.pare.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pare.PareException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * A Hugging Face {@code tokenizer.json}, run by the tokenizers library itself (through DJL's JNI binding) so that ids are
 * exactly those transformers produces. Configured as perplexity evaluation needs it: nothing added (no BOS/EOS, no
 * padding) and nothing cut (DJL truncates to 512 tokens unless told otherwise).
 */
public final class HfTokenizer implements Tokenizer {
    private final Path file;
    private final HuggingFaceTokenizer tokenizer;
    private final int vocabSize;
    private final int bosId;
    private final int eosId;

    private HfTokenizer(Path file, HuggingFaceTokenizer tokenizer, int vocabSize, int bosId, int eosId) {
        this.file = file;
        this.tokenizer = tokenizer;
        this.vocabSize = vocabSize;
        this.bosId = bosId;
        this.eosId = eosId;
    }

    /**
     * The tokenizer in {@code path}: a tokenizer.json file, or a model folder holding one. BOS/EOS ids come from the model's config (tokenizer.json does not
     * say which of its special tokens play those roles); -1 where the model has none.
     */
    public static HfTokenizer open(Path path, int bosId, int eosId) {
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.isRegularFile(file)) throw new PareException(file + ": tokenizer file not found");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new PareException(file + ": cannot read tokenizer file: " + oneLine(e.getMessage()), e);
        }
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new PareException(file + ": not valid JSON: " + oneLine(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new PareException(file + ": cannot parse tokenizer file: " + oneLine(e.getMessage()), e);
        }
        if (json == null || !json.isObject() || !json.has("model"))
            throw new PareException(file + ": not a Hugging Face tokenizer.json (no \"model\" section)");
        int vocabSize = vocabSize(json);
        for (int id : new int[]{bosId, eosId})
            if (id < -1 || id >= vocabSize) throw new PareException(file + ": special token id " + id + " is outside the vocabulary of " + vocabSize);
        preferLocalNativeLibrary();
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(file)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
        } catch (IOException | RuntimeException | LinkageError e) {
            // LinkageError: the native library did not load (e.g. an unsupported platform).
            throw new PareException(file + ": the tokenizers library cannot load it: " + oneLine(e.getMessage()), e);
        }
        return new HfTokenizer(file, tokenizer, vocabSize, bosId, eosId);
    }

    /**
     * DJL calls home to an AWS telemetry endpoint when it thinks it runs on EC2, and on a CUDA machine it would download a
     * CUDA build of the tokenizers library; tokenizing needs neither, and the CPU build ships inside the jar. A user's
     * own setting of either property wins.
     */
    private static void preferLocalNativeLibrary() {
        if (System.getenv("OPT_OUT_TRACKING") == null && System.getProperty("OPT_OUT_TRACKING") == null)
            System.setProperty("OPT_OUT_TRACKING", "true");
        if (System.getenv("RUST_FLAVOR") == null && System.getProperty("RUST_FLAVOR") == null)
            System.setProperty("RUST_FLAVOR", "cpu");
    }

    /** One more than the largest id the model or the added tokens use: what {@code get_vocab_size(True)} counts. */
    private static int vocabSize(JsonNode json) {
        int max = -1;
        JsonNode vocab = json.path("model").path("vocab");
        if (vocab.isObject()) {                 // BPE, WordPiece, WordLevel: piece → id
            for (Iterator<JsonNode> it = vocab.elements(); it.hasNext(); ) max = Math.max(max, it.next().asInt(-1));
        } else if (vocab.isArray()) {           // Unigram: [piece, score] at index id
            max = vocab.size() - 1;
        }
        for (JsonNode added : json.path("added_tokens")) max = Math.max(max, added.path("id").asInt(-1));
        return max + 1;
    }

    /** Exactly the ids {@code tokenizer(text, add_special_tokens=False)} gives, however long the text. */
    @Override
    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) out[i] = Math.toIntExact(ids[i]);
        return out;
    }

    /** The text of {@code ids}, special tokens included (as their text), as {@code decode(ids)} in transformers. */
    @Override
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    public String decode(int[] ids, boolean skipSpecialTokens) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocabSize) throw new PareException(file + ": token id " + ids[i] + " is outside the vocabulary of " + vocabSize);
            l[i] = ids[i];
        }
        return tokenizer.decode(l, skipSpecialTokens);
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int bosId() {
        return bosId;
    }

    @Override
    public int eosId() {
        return eosId;
    }

    public Path location() {
        return file;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    private static String oneLine(String s) {
        return s == null ? "(no message)" : s.replaceAll("\\s*\\R\\s*", " ");
    }
}
