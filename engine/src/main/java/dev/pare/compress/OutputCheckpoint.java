package dev.pare.compress;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pare.PareException;
import dev.pare.io.SafetensorsFile;
import dev.pare.io.SafetensorsWriter;
import dev.pare.io.StagingFolder;
import dev.pare.io.ShardedCheckpoint;
import dev.pare.io.TensorSource;
import dev.pare.io.TensorSpec;
import dev.pare.model.Block;
import dev.pare.model.Linear;
import dev.pare.model.LoadedModel;
import dev.pare.tensor.FloatMatrix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compressed model, written as it is produced into a hidden sibling folder of the target and renamed onto the
 * target only when complete: a Hugging Face folder with the same files, shards and tensor names as the input (dense
 * F16/F32/BF16 tensors holding zeros and grid values), which Pare and transformers load as they loaded the original.
 * Tensors that compression does not touch are copied at the start; each block's linears when the block is done.
 * A run that dies leaves only the hidden folder; {@link #close()} without {@link #commit()} removes it.
 */
public final class OutputCheckpoint implements BlockSink, AutoCloseable {
    private final StagingFolder staging;
    private final Path partial;
    private final List<SafetensorsWriter> writers = new ArrayList<>();
    private final Map<String, SafetensorsWriter> writerOf = new HashMap<>();
    private boolean filesFinished;

    private OutputCheckpoint(StagingFolder staging) {
        this.staging = staging;
        this.partial = staging.path();
    }

    /** Checks the target (not the input, empty or absent) before any work starts. */
    public static void checkTarget(Path input, Path target) {
        Path in = input.toAbsolutePath().normalize(), out = target.toAbsolutePath().normalize();
        Path inputDir = Files.isDirectory(in) ? in : in.getParent();
        if (out.equals(inputDir) || out.equals(in)) throw new PareException("--out " + target + " is the input model's folder; Pare never overwrites an input model");
        StagingFolder.checkTarget(target, "--out");
    }

    /** Starts the output: copies the side files and every tensor that is not a compressed linear's weight. */
    public static OutputCheckpoint begin(LoadedModel model, Path target, List<String> compressedNames) {
        checkTarget(model.path(), target);
        OutputCheckpoint o = new OutputCheckpoint(StagingFolder.begin(target, "--out"));
        try {
            o.copySideFiles(model);
            o.openWriters(model, compressedNames);
            return o;
        } catch (IOException e) {
            o.close();
            throw new PareException(o.partial + ": cannot write (" + e.getMessage() + ")");
        } catch (RuntimeException e) {
            o.close();
            throw e;
        }
    }

    private void copySideFiles(LoadedModel model) throws IOException {
        Path in = model.path();
        if (Files.isDirectory(in)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(in)) {
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    if (Files.isRegularFile(f) && !name.endsWith(".safetensors") && !name.equals("pare-report.json") && !name.startsWith("."))
                        Files.copy(f, partial.resolve(name));
                }
            }
        } else {
            // A llama2.c checkpoint becomes a Hugging Face folder: config from its header, its tokenizer beside the weights.
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(partial.resolve("config.json").toFile(), model.model().config().raw());
            Path tok = model.tokenizerPath();
            if (tok != null) Files.copy(tok, partial.resolve(tok.getFileName().toString()));
        }
    }

    private void openWriters(LoadedModel model, List<String> compressedNames) {
        TensorSource source = model.model().source();
        Map<String, List<String>> files = new LinkedHashMap<>();
        Map<String, Map<String, String>> metadata = new HashMap<>();
        if (source instanceof ShardedCheckpoint sharded) {
            for (SafetensorsFile shard : sharded.shards()) {
                String file = shard.location().getFileName().toString();
                files.put(file, new ArrayList<>(shard.names()));
                metadata.put(file, shard.metadata());
            }
        } else if (source instanceof SafetensorsFile single) {
            files.put(single.location().getFileName().toString(), new ArrayList<>(single.names()));
            metadata.put(single.location().getFileName().toString(), single.metadata());
        } else {
            List<String> names = new ArrayList<>(source.names());
            if (model.model().config().tieEmbeddings()) names.remove("lm_head.weight");
            files.put("model.safetensors", names);
            metadata.put("model.safetensors", Map.of("format", "pt"));
        }
        for (var e : files.entrySet()) {
            List<TensorSpec> specs = e.getValue().stream().map(n -> TensorSpec.of(source.get(n))).toList();
            SafetensorsWriter w = SafetensorsWriter.create(partial.resolve(e.getKey()), metadata.get(e.getKey()), specs);
            writers.add(w);
            for (String n : e.getValue()) {
                writerOf.put(n, w);
                if (!compressedNames.contains(n)) w.write(source.get(n));
            }
        }
    }

    /** Writes a finished block's compressed linears (Conv1D weights turned back to [in × out]). */
    @Override
    public void accept(int index, Block block) {
        for (Linear l : block.linears()) {
            SafetensorsWriter w = writerOf.get(l.name());
            if (w == null) throw new IllegalStateException("no output file holds " + l.name());
            if (l.transposed()) {
                try (Arena arena = Arena.ofShared()) { // the writer converts on several threads
                    FloatMatrix t = FloatMatrix.allocate(arena, l.columns(), l.rows());
                    for (int r = 0; r < l.rows(); r++)
                        for (int c = 0; c < l.columns(); c++) t.set(c, r, l.weight().get(r, c));
                    w.write(l.name(), t);
                }
            } else {
                w.write(l.name(), l.weight());
            }
        }
    }

    /** Writes a small file (the report) into the output. */
    public Path file(String name) {
        return partial.resolve(name);
    }

    /** Completes every tensor file inside the staging folder (which can then be opened as a model). */
    public void finishFiles() {
        if (filesFinished) return;
        for (SafetensorsWriter w : writers) w.commit();
        filesFinished = true;
    }

    /** The hidden folder being written. */
    public Path staging() {
        return partial;
    }

    /** Moves the finished folder onto the target. */
    public synchronized void commit() {
        finishFiles();
        staging.commit();
    }

    public Path target() {
        return staging.target();
    }

    @Override
    public synchronized void close() {
        if (!filesFinished) for (SafetensorsWriter w : writers) w.close();
        staging.close();
    }
}
