package dev.pare.io;

import dev.pare.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Files written by Python's safetensors package are the independent reference: reading one and writing its tensors
 * back with the same metadata must reproduce it byte for byte.
 */
class SafetensorsRewriteTest {
    @TempDir
    Path dir;

    @Test
    void demoModelRewritesByteIdentical() throws IOException {
        assertRewriteIsByteIdentical(TestFiles.demoModel());
    }

    @TestFactory
    Stream<DynamicTest> tinyReferenceModelsAndLogitsRewriteByteIdentical() throws IOException {
        Path tiny = TestFiles.shared("reference/tiny");
        List<Path> files;
        try (Stream<Path> found = Files.walk(tiny, 2)) {
            files = found.filter(p -> p.toString().endsWith(".safetensors")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no .safetensors under " + tiny);
        return files.stream().map(p -> DynamicTest.dynamicTest(tiny.relativize(p).toString(), () -> assertRewriteIsByteIdentical(p)));
    }

    @Test
    void llama20mShardRewritesByteIdentical() throws IOException {
        assertRewriteIsByteIdentical(TestFiles.shared("models/llama20m/model-00002-of-00003.safetensors"));
    }

    private void assertRewriteIsByteIdentical(Path original) throws IOException {
        Path copy = dir.resolve(original.getParent().getFileName() + "-" + original.getFileName());
        try (SafetensorsFile f = SafetensorsFile.open(original)) {
            List<Tensor> tensors = f.tensorNames().stream().map(f::get).toList();
            SafetensorsWriter.write(copy, f.metadata(), tensors);
        }
        assertEquals(-1L, Files.mismatch(original, copy), original + " and its rewrite differ");
    }
}
