package dev.pare.tests;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.pare.tensor.DType;
import dev.pare.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every way a model folder or an evaluation text can be wrong ends the CLI with exit code 2 and one line,
 * "pare: error: ...", that names the file and the tensor or flag at fault and says what was expected; no stack trace.
 * Each bad input is a copy of models/pare-demo spoiled one way.
 */
class BadInputTest {
    private static final String DOWN_PROJ_1 = "model.layers.1.mlp.down_proj.weight";
    private static final String Q_PROJ_0 = "model.layers.0.self_attn.q_proj.weight";

    @TempDir
    Path tmp;
    Path model;
    Path weights;
    Path shortText;

    @BeforeEach
    void copyTheDemoModel() {
        model = DemoModel.copy(tmp.resolve("model"));
        weights = model.resolve(DemoModel.WEIGHTS);
        shortText = DemoModel.excerpt(DemoModel.evalText(), 2_000, tmp.resolve("short.txt"));
    }

    private List<String> inspect() {
        return List.of("inspect", "--model", model.toString());
    }

    /** eval on a short text, long enough for one window: the blocks load (and are checked) on the first window. */
    private List<String> eval() {
        return List.of("eval", "--model", model.toString(), "--text", shortText.toString(), "--seqlen", "64");
    }

    @Test
    void truncatedWeightsFileNamesTheFileAndTheTensorThatRunsPastItsEnd() throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(weights.toFile(), "rw")) {
            f.setLength(f.length() * 2 / 3);
        }
        String msg = Cli.badInput(inspect(), DemoModel.WEIGHTS, "tensor '", "ends at byte", "data area has");
        assertTrue(msg.contains("bytes"), msg);
    }

    @Test
    void headerLengthBeyondTheFileIsReportedAsTruncated() throws IOException {
        long size = Files.size(weights);
        try (FileChannel ch = FileChannel.open(weights, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, size), 0);
        }
        Cli.badInput(inspect(), DemoModel.WEIGHTS, "header length is", "follow the length prefix");
    }

    @Test
    void tensorOffsetsOutsideTheDataAreaNameTheTensor() {
        var raw = DemoModel.RawSafetensors.read(weights);
        ArrayNode offsets = (ArrayNode) raw.tensor(DOWN_PROJ_1).get("data_offsets");
        long length = offsets.get(1).asLong() - offsets.get(0).asLong();
        offsets.removeAll().add(raw.data().length).add(raw.data().length + length);
        raw.write(weights);
        Cli.badInput(inspect(), DemoModel.WEIGHTS, "'" + DOWN_PROJ_1 + "'", "ends at byte", "data area has " + String.format(Locale.ROOT, "%,d", raw.data().length));
    }

    @Test
    void overlappingTensorsNameBothTensors() {
        var raw = DemoModel.RawSafetensors.read(weights);
        // up_proj and gate_proj of block 0 have the same shape and dtype: point one at the other's bytes.
        String gate = "model.layers.0.mlp.gate_proj.weight", up = "model.layers.0.mlp.up_proj.weight";
        raw.tensor(up).set("data_offsets", raw.tensor(gate).get("data_offsets").deepCopy());
        raw.write(weights);
        Cli.badInput(inspect(), DemoModel.WEIGHTS, "'" + gate + "'", "'" + up + "'", "overlap");
    }

    @ParameterizedTest
    @ValueSource(strings = {"F8_E4M3", "X9"})
    void unknownDtypeNamesTheTensorAndTheDtype(String dtype) {
        var raw = DemoModel.RawSafetensors.read(weights);
        raw.tensor(Q_PROJ_0).put("dtype", dtype);
        raw.write(weights);
        Cli.badInput(inspect(), DemoModel.WEIGHTS, "'" + Q_PROJ_0 + "'", "unsupported dtype '" + dtype + "'", "F16");
    }

    @Test
    void tensorNamedByTheConfigButMissingIsNamed() {
        DemoModel.rewriteTensors(model, tensors -> tensors.stream().filter(t -> !t.name().equals(DOWN_PROJ_1)).toList());
        Cli.badInput(eval(), DemoModel.WEIGHTS, "'" + DOWN_PROJ_1 + "'", "missing");
    }

    @Test
    void shapeThatDisagreesWithTheConfigNamesTheTensorAndBothShapes() {
        DemoModel.editConfig(model, c -> c.put("intermediate_size", 256));
        Cli.badInput(eval(), DemoModel.WEIGHTS, "mlp.", "[384, 128]", "[256, 128]");
    }

    @Test
    void unsupportedArchitectureListsTheSupportedOnes() {
        DemoModel.editConfig(model, c -> c.putArray("architectures").add("FalconForCausalLM"));
        Cli.badInput(inspect(), "config.json", "'FalconForCausalLM'", "LlamaForCausalLM", "OPTForCausalLM", "GPT2LMHeadModel", "BloomForCausalLM");
    }

    @Test
    void nanInAWeightNamesTheTensorAndTheElement() {
        DemoModel.rewriteTensors(model, tensors -> tensors.stream().map(t -> t.name().equals(Q_PROJ_0) ? withNan(t, 5) : t).toList());
        Cli.badInput(eval(), DemoModel.WEIGHTS, "'" + Q_PROJ_0 + "'", "NaN", "element 5", "finite");
    }

    private static Tensor withNan(Tensor t, int element) {
        assertEquals(DType.F16, t.dtype());
        MemorySegment bytes = MemorySegment.ofArray(t.data().toArray(ValueLayout.JAVA_BYTE));
        bytes.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, element, (short) 0x7e00); // F16 quiet NaN
        return new Tensor(t.name(), t.dtype(), t.shape(), bytes);
    }

    @Test
    void emptyEvaluationTextNamesTheFile() throws IOException {
        Path empty = Files.createFile(tmp.resolve("empty.txt"));
        Cli.badInput(List.of("eval", "--model", model.toString(), "--text", empty.toString()), "empty.txt", "empty", "--text");
    }

    @Test
    void evaluationTextShorterThanOneWindowNamesTheFileAndTheWindow() throws IOException {
        Path tiny = Files.writeString(tmp.resolve("tiny.txt"), "And it came to pass in the days when the judges ruled.");
        Cli.badInput(List.of("eval", "--model", model.toString(), "--text", tiny.toString(), "--seqlen", "512"),
                "tiny.txt", "tokens", "one window of 512", "--seqlen");
    }

    @Test
    void missingModelFolderIsNamed() {
        Path absent = tmp.resolve("no-such-model");
        Cli.badInput(List.of("eval", "--model", absent.toString(), "--text", shortText.toString()), absent.toString(), "no such");
    }

    @Test
    void malformedCommandLineIsOneLineNamingTheOptionNotAUsagePage() {
        Cli.badInput(List.of("eval", "--model", model.toString(), "--text", shortText.toString(), "--seqlen", "many"), "'--seqlen'", "'many'", "pare eval --help");
        Cli.badInput(List.of("eval", "--text", shortText.toString()), "--model", "pare eval --help");
        Cli.badInput(List.of("inspect", "--model", model.toString(), "--colour"), "'--colour'", "pare inspect --help");
    }

    @Test
    void seqlenLongerThanTheModelsContextNamesTheFlagAndTheContext() {
        Cli.badInput(List.of("eval", "--model", model.toString(), "--text", shortText.toString(), "--seqlen", "2048"),
                "--seqlen 2048", "context of 1024 tokens", model.toString());
    }
}
