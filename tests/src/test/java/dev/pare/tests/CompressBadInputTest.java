package dev.pare.tests;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code pare compress} that is told something wrong fails before it writes anything: exit code 2, one line naming
 * the flag (or file, or layer) at fault, the --out folder absent (or as it was), and no hidden .NAME.partial-* folder
 * left beside it. The input is a copy of models/pare-demo, so that a wrong --out cannot touch the repository.
 */
class CompressBadInputTest {
    @TempDir
    Path tmp;
    Path model;
    Path out;
    Path calib;
    Map<String, String> modelBefore;

    @BeforeEach
    void copyTheDemoModel() {
        model = DemoModel.copy(tmp.resolve("model"));
        out = tmp.resolve("out");
        calib = DemoModel.excerpt(DemoModel.calibText(), 20_000, tmp.resolve("calib.txt"));
        modelBefore = DemoModel.fingerprint(model);
    }

    /** compress model into out with small calibration settings (--seqlen 64 unless {@code extra} gives one), then {@code extra}. */
    private List<String> compress(String... extra) {
        List<String> args = new ArrayList<>(List.of("compress", "--model", model.toString(), "--out", out.toString(), "--nsamples", "4"));
        if (!List.of(extra).contains("--seqlen")) args.addAll(List.of("--seqlen", "64"));
        args.addAll(List.of(extra));
        return args;
    }

    @ParameterizedTest(name = "--sparsity {0}")
    @CsvSource({"1.0", "-0.1", "1.5"})
    void sparsityOutsideZeroToOneIsRefused(String sparsity) {
        String msg = Cli.badInput(compress("--method", "sparsegpt", "--calib", calib.toString(), "--sparsity", sparsity), "--sparsity", "[0, 1)");
        assertTrue(msg.contains(String.valueOf(Double.parseDouble(sparsity))), msg);
        assertNothingWritten();
    }

    @ParameterizedTest(name = "--nm {0}")
    @CsvSource({"4:2", "2:2", "0:4", "2-4"})
    void nmThatIsNotNBelowMIsRefused(String nm) {
        Cli.badInput(compress("--method", "sparsegpt", "--calib", calib.toString(), "--nm", nm), "--nm", nm, "2:4");
        assertNothingWritten();
    }

    @Test
    void nmWhoseMDoesNotDivideTheColumnsNamesTheLayer() {
        Cli.badInput(compress("--method", "sparsegpt", "--calib", calib.toString(), "--nm", "3:5"),
                "model.layers.0.self_attn.q_proj.weight", "128 input columns", "M = 5", "--nm 3:5");
        assertNothingWritten();
    }

    @ParameterizedTest(name = "--bits {0}")
    @CsvSource({"1", "9", "-4"})
    void bitsOutsideTwoToEightAreRefused(String bits) {
        Cli.badInput(compress("--method", "gptq", "--calib", calib.toString(), "--bits", bits), "--bits " + bits, "2 to 8");
        assertNothingWritten();
    }

    @Test
    void negativeGroupSizeIsRefused() {
        Cli.badInput(compress("--method", "gptq", "--calib", calib.toString(), "--bits", "4", "--group-size", "-1"), "--group-size -1");
        assertNothingWritten();
    }

    @Test
    void calibrationTextShorterThanOneWindowNamesTheFileAndTheWindow() throws IOException {
        Path tiny = Files.writeString(tmp.resolve("tiny-calib.txt"), "Go to the ant, thou sluggard; consider her ways, and be wise.");
        Cli.badInput(compress("--method", "sparsegpt", "--sparsity", "0.5", "--calib", tiny.toString(), "--seqlen", "512"),
                "tiny-calib.txt", "tokens", "one window of 512", "--seqlen");
        assertNothingWritten();
    }

    @Test
    void outputOntoTheInputFolderIsRefused() {
        out = model;
        Cli.badInput(compress("--method", "magnitude", "--sparsity", "0.5"), "--out", model.toString(), "input");
        assertEquals(modelBefore, DemoModel.fingerprint(model), "the input model must be left as it was");
        assertNoPartialFolder();
    }

    @Test
    void outputIntoANonEmptyFolderIsRefusedAndTheFolderLeftAlone() throws IOException {
        Files.createDirectories(out);
        Files.writeString(out.resolve("notes.txt"), "mine");
        Cli.badInput(compress("--method", "magnitude", "--sparsity", "0.5"), "--out", out.toString(), "not empty");
        assertEquals(Map.of("notes.txt", DemoModel.fingerprint(out).get("notes.txt")), DemoModel.fingerprint(out));
        assertEquals("mine", Files.readString(out.resolve("notes.txt")));
        assertNoPartialFolder();
    }

    @Test
    void sparsegptWithoutCalibrationDataAsksForCalib() {
        Cli.badInput(compress("--method", "sparsegpt", "--sparsity", "0.5"), "--method sparsegpt", "--calib");
        assertNothingWritten();
    }

    private void assertNothingWritten() {
        assertTrue(!Files.exists(out) || isEmptyFolder(out), () -> out + " was written to");
        assertNoPartialFolder();
        assertEquals(modelBefore, DemoModel.fingerprint(model), "the input model must be left as it was");
    }

    private void assertNoPartialFolder() {
        String prefix = "." + out.getFileName() + ".partial-";
        try (Stream<Path> siblings = Files.list(out.getParent())) {
            List<Path> partial = siblings.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
            assertTrue(partial.isEmpty(), () -> "left behind: " + partial);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean isEmptyFolder(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return Files.isDirectory(dir) && entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
