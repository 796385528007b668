package dev.pare.io;

import dev.pare.PareException;
import dev.pare.tensor.DType;
import dev.pare.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every malformed file fails on open with one line that names the file and, where there is one, the tensor. Each
 * file is built byte by byte here; the reference Rust crate rejects all of them too.
 */
class SafetensorsBadInputTest {
    private static final String FILE = "bad.safetensors";

    @TempDir
    Path dir;

    @Test
    void truncatedDataAreaNamesTheTensorThatRunsPastIt() throws IOException {
        Path file = dir.resolve(FILE);
        SafetensorsWriter.write(file, Map.of("format", "pt"), List.of(
                new Tensor("a", DType.F32, new long[]{4}, MemorySegment.ofArray(new float[4])),
                new Tensor("b", DType.F32, new long[]{2, 2}, MemorySegment.ofArray(new float[4]))));
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() - 5);
        }
        String msg = openFails(file, "'b'");
        assertTrue(msg.endsWith("tensor 'b' ends at byte 32 but the data area has 27 bytes"), msg);
    }

    @Test
    void headerLengthBeyondTheFileIsReported() {
        byte[] bytes = TestFiles.safetensors("{}", 0);
        bytes[0] = (byte) 0xe8; // 1000
        bytes[1] = 3;
        String msg = openFails(write(bytes), null);
        assertTrue(msg.contains("header length is 1,000 bytes but only 2 bytes follow"), msg);
    }

    @Test
    void absurdHeaderLengthIsReportedAsNotSafetensors() {
        byte[] bytes = TestFiles.safetensors("{}", 0);
        for (int i = 0; i < 8; i++) bytes[i] = (byte) 0xff;
        String msg = openFails(write(bytes), null);
        assertTrue(msg.contains("header length 18446744073709551615 exceeds the 100,000,000-byte limit"), msg);
    }

    @Test
    void fileShorterThanTheLengthPrefixIsReported() {
        String msg = openFails(write(new byte[]{1, 2, 3}), null);
        assertTrue(msg.contains("file has 3 bytes"), msg);
    }

    @Test
    void offsetsOutsideTheDataAreaNameTheTensor() {
        String msg = openFails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[16,32]}}", 16), "'w'");
        assertTrue(msg.endsWith("tensor 'w' ends at byte 32 but the data area has 16 bytes"), msg);
    }

    @Test
    void overlappingTensorsNameBoth() {
        String msg = openFails(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", 24), "'a'");
        assertTrue(msg.contains("'b'") && msg.endsWith("overlap"), msg);
    }

    @Test
    void gapBetweenTensorsIsRejectedAsTheReferenceDoes() {
        String msg = openFails(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[20,36]}}", 36), "'a'");
        assertTrue(msg.contains("4 unused bytes") && msg.contains("'b'"), msg);
    }

    @Test
    void unusedBytesBeforeTheFirstTensorAreRejected() {
        String msg = openFails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", 24), "'w'");
        assertTrue(msg.contains("leaving the first 8 bytes"), msg);
    }

    @Test
    void trailingBytesAfterTheLastTensorAreRejected() {
        String msg = openFails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 20), "'w'");
        assertTrue(msg.contains("4 trailing bytes"), msg);
    }

    @Test
    void unknownDtypeIsNamedWithTheTensor() {
        String msg = openFails(file("{\"w\":{\"dtype\":\"F7\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16), "'w'");
        assertTrue(msg.contains("unsupported dtype 'F7'"), msg);
    }

    @Test
    void malformedJsonIsReportedWithItsPosition() {
        String msg = openFails(file("{\"w\":{\"dtype\":\"F32\",", 0), null);
        assertTrue(msg.contains("header is not well-formed JSON at line 1"), msg);
    }

    @Test
    void headerThatIsNotAnObjectIsReported() {
        String msg = openFails(file("[1,2]", 0), null);
        assertTrue(msg.contains("header is an array, expected a JSON object"), msg);
    }

    @Test
    void repeatedTensorNameIsMalformedJson() {
        String entry = "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        String msg = openFails(file("{" + entry + "," + entry + "}", 4), "'w'");
        assertTrue(msg.contains("Duplicate"), msg);
    }

    @Test
    void elementCountThatDisagreesWithTheOffsetsIsReported() {
        String msg = openFails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}}", 16), "'w'");
        assertTrue(msg.contains("shape [3] of F32 needs 12 bytes but data_offsets [0, 16] hold 16"), msg);
    }

    @Test
    void missingFieldIsNamed() {
        String msg = openFails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4]}}", 16), "'w'");
        assertTrue(msg.contains("has no 'data_offsets'"), msg);
    }

    @Test
    void fieldOfTheWrongTypeIsNamed() {
        String msg = openFails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":\"4\",\"data_offsets\":[0,16]}}", 16), "'w'");
        assertTrue(msg.contains("'shape' is a string"), msg);
    }

    @Test
    void negativeDimensionIsReported() {
        String msg = openFails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[-4],\"data_offsets\":[0,16]}}", 16), "'w'");
        assertTrue(msg.contains("negative dimension -4"), msg);
    }

    @Test
    void reversedOffsetsAreReported() {
        String msg = openFails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[16,0]}}", 16), "'w'");
        assertTrue(msg.contains("begin <= end"), msg);
    }

    @Test
    void nonStringMetadataValueIsReported() {
        String msg = openFails(file("{\"__metadata__\":{\"step\":3},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "'step'");
        assertTrue(msg.contains("__metadata__ entry 'step' is a number, expected a string"), msg);
    }

    /** Opens {@code file} expecting a one-line PareException naming the file and, if given, {@code tensor}. */
    private static String openFails(Path file, String tensor) {
        PareException e = assertThrows(PareException.class, () -> SafetensorsFile.open(file).close());
        String msg = e.getMessage();
        assertEquals(1, msg.lines().count(), "one line: " + msg);
        assertTrue(msg.startsWith(FILE + ": "), msg);
        if (tensor != null) assertTrue(msg.contains(tensor), msg);
        return msg;
    }

    private Path file(String header, int dataBytes) {
        return write(TestFiles.safetensors(header, dataBytes));
    }

    private Path write(byte[] bytes) {
        try {
            return Files.write(dir.resolve(FILE), bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
