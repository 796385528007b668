package dev.pare.model;

import dev.pare.PareException;
import dev.pare.io.Checkpoints;
import dev.pare.io.Llama2cCheckpoint;
import dev.pare.io.TensorSource;
import dev.pare.tokenizer.HfTokenizer;
import dev.pare.tokenizer.Llama2cTokenizer;
import dev.pare.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A model opened from disk with its tokenizer: a Hugging Face folder (config.json, safetensors, tokenizer.json) or a
 * llama2.c checkpoint (.bin, with tokenizer.bin or tok*.bin beside it).
 */
public record LoadedModel(Path path, CausalLM model, Tokenizer tokenizer, Path tokenizerPath) implements AutoCloseable {

    public static LoadedModel open(Path path) {
        return open(path, null);
    }

    /** @param tokenizerFile overrides where the tokenizer is looked for; null for the default place */
    public static LoadedModel open(Path path, Path tokenizerFile) {
        if (!Files.exists(path)) throw new PareException(path + ": no such file or folder");
        if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".bin")) return openLlama2c(path, tokenizerFile);
        if (!Files.isDirectory(path)) throw new PareException(path + ": expected a Hugging Face model folder or a llama2.c .bin checkpoint");
        ModelConfig config = ModelConfig.read(path.resolve("config.json"));
        TensorSource source = Checkpoints.open(path);
        try {
            CausalLM model = create(config, source);
            Path tok = tokenizerFile != null ? tokenizerFile : path.resolve("tokenizer.json");
            if (tokenizerFile == null && !Files.exists(tok) && llama2cTokenizerIn(path) != null) {
                // A llama2.c model that Pare compressed: HF layout, llama2.c tokenizer.
                Path bin = llama2cTokenizerIn(path);
                return new LoadedModel(path, model, Llama2cTokenizer.open(bin, config.vocab()), bin);
            }
            // Without a tokenizer the model still runs on token ids (tests with reference logits, calibration tokens).
            if (tokenizerFile == null && !Files.exists(tok)) return new LoadedModel(path, model, null, null);
            return new LoadedModel(path, model, HfTokenizer.open(tok, config.bosId(), config.eosId()), tok);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    public static CausalLM create(ModelConfig config, TensorSource source) {
        return switch (config.architecture()) {
            case LLAMA -> new LlamaModel(config, source);
            case OPT -> new OptModel(config, source);
            case GPT2 -> new Gpt2Model(config, source);
            case BLOOM -> new BloomModel(config, source);
        };
    }

    private static LoadedModel openLlama2c(Path bin, Path tokenizerFile) {
        Llama2cCheckpoint checkpoint = Llama2cCheckpoint.open(bin);
        try {
            ModelConfig config = ModelConfig.parse(checkpoint.hfConfig(), bin.toString());
            CausalLM model = create(config, checkpoint);
            Path tok = tokenizerFile != null ? tokenizerFile : llama2cTokenizerIn(bin.toAbsolutePath().getParent());
            if (tok == null) throw new PareException(bin + ": no tokenizer.bin or tokN.bin beside it (pass --tokenizer FILE)");
            return new LoadedModel(bin, model, Llama2cTokenizer.open(tok, config.vocab()), tok);
        } catch (RuntimeException e) {
            checkpoint.close();
            throw e;
        }
    }

    /** llama2.c keeps its tokenizer next to the model as tokenizer.bin, or tokN.bin for the small custom vocabularies; null if neither. */
    private static Path llama2cTokenizerIn(Path dir) {
        if (Files.isRegularFile(dir.resolve("tokenizer.bin"))) return dir.resolve("tokenizer.bin");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("tok\\d+\\.bin")).sorted().findFirst().orElse(null);
        } catch (IOException e) {
            throw new PareException(dir + ": cannot list (" + e.getMessage() + ")");
        }
    }

    /** The tokenizer; a model folder without one can still run on token ids, but not on text. */
    @Override
    public Tokenizer tokenizer() {
        if (tokenizer == null) throw new PareException(path + ": no tokenizer.json (needed to turn text into tokens; pass --tokenizer FILE)");
        return tokenizer;
    }

    public boolean hasTokenizer() {
        return tokenizer != null;
    }

    @Override
    public void close() {
        model.close();
        if (tokenizer != null) tokenizer.close();
    }
}
