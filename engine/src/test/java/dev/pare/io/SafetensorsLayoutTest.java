package dev.pare.io;

import dev.pare.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The writer's layout against the reference library's own output, for orders the real checkpoints never exercise. */
class SafetensorsLayoutTest {
    @TempDir
    Path dir;

    /**
     * The specs of src/test/python/safetensors_layout_reference.py, in its order. Python's safetensors 0.8.0 (torch
     * 2.11) wrote a 1,405-byte file from them whose sha256 is below; its header listed the tensors in this order:
     */
    private static final List<TensorSpec> PYTHON_SPECS = List.of(
            spec("a.bool", DType.BOOL, 3), spec("b.u8", DType.U8, 5), spec("z.f32", DType.F32, 2, 3), spec("a.f32", DType.F32, 4),
            spec("m.i64", DType.I64, 2), spec("m.f64", DType.F64, 2), spec("\u00e9.bf16", DType.BF16, 3), spec("e.bf16", DType.BF16, 1, 3),
            spec("x.f16", DType.F16, 5), spec("y.u16", DType.U16, 3), spec("y.i16", DType.I16, 3), spec("q.i32", DType.I32, 2, 2),
            spec("q.u32", DType.U32, 1), spec("k.i8", DType.I8, 7), spec("tab\tquote\"back\\slash\u0001\u001f", DType.F32, 1),
            spec("\uD83D\uDE00.f32", DType.F32, 2), spec("\uFF21.f32", DType.F32, 2), spec("scalar.f32", DType.F32), spec("empty.f16", DType.F16, 0, 4));
    private static final String PYTHON_SHA256 = "cacd0d94a334a067f22a548457343ace8574db6fcae3f9eaf7335cd6c6449c4a";
    private static final List<String> PYTHON_ORDER = List.of(
            "m.i64", "m.f64", "a.f32", "scalar.f32", "tab\tquote\"back\\slash\u0001\u001f", "z.f32", "\uFF21.f32", "\uD83D\uDE00.f32",
            "q.u32", "q.i32", "e.bf16", "\u00e9.bf16", "empty.f16", "x.f16", "y.u16", "y.i16", "k.i8", "b.u8", "a.bool");

    @Test
    void writerOrdersDtypesNamesAndEscapesExactlyAsPythonSafetensors() throws Exception {
        Path out = dir.resolve("mixed.safetensors");
        try (SafetensorsWriter w = SafetensorsWriter.create(out, Map.of("format", "pt"), PYTHON_SPECS)) {
            for (int k = 0; k < PYTHON_SPECS.size(); k++) {
                TensorSpec s = PYTHON_SPECS.get(k);
                byte[] b = new byte[(int) s.byteSize()];
                for (int j = 0; j < b.length; j++) b[j] = (byte) (s.dtype() == DType.BOOL ? (j + k) & 1 : (j * 31 + k * 7) & 0xff);
                w.write(s.name(), MemorySegment.ofArray(b));
            }
            w.commit();
        }
        try (SafetensorsFile f = SafetensorsFile.open(out)) {
            // Rank order is the reference enum's, not element size: I64 > F64, F32 > U32 > I32, BF16 > F16;
            // names compare as UTF-8 bytes, so U+FF21 sorts before U+1F600 although Java's compareTo says otherwise.
            assertEquals(PYTHON_ORDER, f.tensorNames());
        }
        byte[] bytes = Files.readAllBytes(out);
        assertEquals(1405, bytes.length);
        assertEquals(PYTHON_SHA256, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    }

    /** The byte vectors of the reference crate's own unit tests (test_serialization, test_empty). */
    @Test
    void writerReproducesTheReferenceCrateTestVectors() throws Exception {
        float[] values = {0, 1, 2, 3, 4, 5};
        Path one = dir.resolve("one.safetensors");
        SafetensorsWriter.write(one, null, List.of(new dev.pare.tensor.Tensor("attn.0", DType.F32, new long[]{1, 2, 3}, MemorySegment.ofArray(values))));
        String json = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}";
        List<Byte> expected = new ArrayList<>(List.of((byte) 64, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0));
        for (byte b : json.getBytes(StandardCharsets.UTF_8)) expected.add(b);
        for (int b : new int[]{0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64}) expected.add((byte) b);
        assertArrayEquals(toArray(expected), Files.readAllBytes(one));

        Path empty = dir.resolve("empty.safetensors");
        SafetensorsWriter.write(empty, null, List.of());
        assertArrayEquals(new byte[]{8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '}, Files.readAllBytes(empty));

        Path meta = dir.resolve("meta.safetensors");
        SafetensorsWriter.write(meta, Map.of("framework", "pt"), List.of());
        byte[] header = "{\"__metadata__\":{\"framework\":\"pt\"}}     ".getBytes(StandardCharsets.UTF_8);
        byte[] want = new byte[8 + header.length];
        want[0] = 40;
        System.arraycopy(header, 0, want, 8, header.length);
        assertArrayEquals(want, Files.readAllBytes(meta));
    }

    private static TensorSpec spec(String name, DType dtype, long... shape) {
        return new TensorSpec(name, dtype, shape);
    }

    private static byte[] toArray(List<Byte> list) {
        byte[] a = new byte[list.size()];
        for (int i = 0; i < a.length; i++) a[i] = list.get(i);
        return a;
    }
}
