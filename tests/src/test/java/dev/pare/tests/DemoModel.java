package dev.pare.tests;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pare.io.SafetensorsFile;
import dev.pare.io.SafetensorsWriter;
import dev.pare.tensor.Tensor;
import dev.pare.util.ProjectFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The embedded demo model (models/pare-demo, in the repository) and copies of it spoiled one way at a time: a config
 * edited, tensors rewritten with {@link SafetensorsWriter}, or the safetensors header and bytes changed by hand.
 */
final class DemoModel {
    static final String WEIGHTS = "model.safetensors";
    static final ObjectMapper JSON = new ObjectMapper();

    private DemoModel() {
    }

    static Path dir() {
        return ProjectFiles.demoModel();
    }

    static Path evalText() {
        return dir().resolve("eval.txt");
    }

    static Path calibText() {
        return dir().resolve("calib.txt");
    }

    /** A copy of the model's files (config, tokenizer, weights) in {@code into}, which is created. */
    static Path copy(Path into) {
        try {
            Files.createDirectories(into);
            for (String f : List.of("config.json", "generation_config.json", "tokenizer.json", WEIGHTS))
                Files.copy(dir().resolve(f), into.resolve(f));
            return into;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first {@code chars} characters of {@code text}, written to {@code file}: a short text that tokenizes fast. */
    static Path excerpt(Path text, int chars, Path file) {
        try {
            String s = Files.readString(text, StandardCharsets.UTF_8);
            Files.writeString(file, s.substring(0, Math.min(chars, s.length())), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void editConfig(Path model, Consumer<ObjectNode> edit) {
        try {
            Path file = model.resolve("config.json");
            ObjectNode config = (ObjectNode) JSON.readTree(file.toFile());
            edit.accept(config);
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every tensor of {@code file}, its bytes copied to the heap so that the file can be replaced. */
    static List<Tensor> readTensors(Path file) {
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            List<Tensor> all = new ArrayList<>();
            for (String name : st.tensorNames()) {
                Tensor t = st.get(name);
                all.add(new Tensor(name, t.dtype(), t.shape(), MemorySegment.ofArray(t.data().toArray(ValueLayout.JAVA_BYTE))));
            }
            return all;
        }
    }

    /** Rewrites the model's weights file with the tensors {@code change} makes of its current ones. */
    static void rewriteTensors(Path model, UnaryOperator<List<Tensor>> change) {
        Path file = model.resolve(WEIGHTS);
        Map<String, String> metadata;
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            metadata = st.metadata();
        }
        List<Tensor> tensors = change.apply(new ArrayList<>(readTensors(file)));
        SafetensorsWriter.write(file, metadata, tensors, SafetensorsWriter.Option.OVERWRITE);
    }

    /** A safetensors file taken apart: the header as JSON and the data area's bytes, to be spoiled and put back. */
    record RawSafetensors(ObjectNode header, byte[] data) {
        static RawSafetensors read(Path file) {
            try {
                byte[] bytes = Files.readAllBytes(file);
                int headerLength = (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
                ObjectNode header = (ObjectNode) JSON.readTree(new String(bytes, 8, headerLength, StandardCharsets.UTF_8));
                byte[] data = java.util.Arrays.copyOfRange(bytes, 8 + headerLength, bytes.length);
                return new RawSafetensors(header, data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        ObjectNode tensor(String name) {
            return (ObjectNode) header.get(name);
        }

        void write(Path file) {
            byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(json.length).put(json).put(data);
            try {
                Files.write(file, b.array());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** sha256 of every file under {@code dir}, by relative path: to show that a folder was left as it was. */
    static Map<String, String> fingerprint(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            Map<String, String> sums = new TreeMap<>();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path f : files.filter(Files::isRegularFile).toList())
                sums.put(dir.relativize(f).toString(), HexFormat.of().formatHex(sha.digest(Files.readAllBytes(f))));
            return sums;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
