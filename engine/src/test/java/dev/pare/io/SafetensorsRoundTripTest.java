package dev.pare.io;

import dev.pare.tensor.DType;
import dev.pare.tensor.FloatMatrix;
import dev.pare.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsRoundTripTest {
    @TempDir
    Path dir;

    private final long seed = new Random().nextLong();
    private final Random random = new Random(seed);

    @Test
    void tensorsOfEveryCommonDtypeAndMetadataSurviveWriteAndRead() {
        List<Tensor> tensors = List.of(
                randomTensor("w.f32", DType.F32, 3, 5),
                randomTensor("w.f16", DType.F16, 7),
                randomTensor("w.bf16", DType.BF16, 2, 3, 2),
                randomTensor("idx.i32", DType.I32, 4, 4),
                randomTensor("q.u8", DType.U8, 9),
                randomTensor("q.i8", DType.I8, 2, 5),
                randomTensor("scalar", DType.F32),
                randomTensor("empty", DType.F16, 0, 3));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("pare.method", "sparsegpt 50%");
        metadata.put("quote\"back\\slash", "line\nbreak, tab\t, \u00e9, \u0001");
        Path file = dir.resolve("model.safetensors");

        SafetensorsWriter.write(file, metadata, tensors);

        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(new ArrayList<>(metadata.entrySet()), new ArrayList<>(f.metadata().entrySet()), "metadata keeps its order");
            assertEquals(tensors.size(), f.names().size());
            for (Tensor t : tensors) {
                Tensor r = f.get(t.name());
                assertEquals(t.dtype(), r.dtype(), t.name());
                assertArrayEquals(t.shape(), r.shape(), t.name());
                assertEquals(-1, t.data().mismatch(r.data()), t.name() + " bytes differ (seed " + seed + ")");
            }
        }
    }

    @Test
    void floatMatricesAreNarrowedToTheSpecDtypeWithRoundToNearestEven() {
        int rows = 6, cols = 11;
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) values[i] = (float) (random.nextGaussian() * Math.pow(2, random.nextInt(-20, 20)));
        // Exact ties between two BF16 neighbours: 1 + 2^-8 rounds down to even 1.0, 1 + 3·2^-8 up to even 1 + 2^-6.
        values[0] = 1f + 0x1p-8f;
        values[1] = 1f + 3 * 0x1p-8f;
        values[2] = Float.NaN;
        values[3] = Float.MAX_VALUE; // rounds to infinity in BF16, as in PyTorch
        values[4] = -0f;
        Path file = dir.resolve("narrowed.safetensors");
        List<TensorSpec> specs = List.of(
                new TensorSpec("as.f32", DType.F32, new long[]{rows, cols}),
                new TensorSpec("as.f16", DType.F16, new long[]{rows, cols}),
                new TensorSpec("as.bf16", DType.BF16, new long[]{rows * cols}));
        try (Arena arena = Arena.ofConfined(); SafetensorsWriter w = SafetensorsWriter.create(file, Map.of(), specs)) {
            FloatMatrix m = FloatMatrix.of(arena, rows, cols, values);
            w.write("as.bf16", m); // any order, and only the element count must match
            w.write("as.f16", m);
            w.write("as.f32", m);
            w.commit();
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            Tensor f32 = f.get("as.f32"), f16 = f.get("as.f16"), bf16 = f.get("as.bf16");
            for (int i = 0; i < values.length; i++) {
                float v = values[i];
                assertEquals(Float.floatToRawIntBits(v), Float.floatToRawIntBits(f32.getFloat(i)));
                assertEquals(Float.float16ToFloat(Float.floatToFloat16(v)), f16.getFloat(i), 0f, "F16 of " + v);
                assertEquals(bf16Oracle(v), Float.floatToRawIntBits(bf16.getFloat(i)), "BF16 of " + v + " (seed " + seed + ")");
            }
            assertEquals(1f, bf16.getFloat(0));
            assertEquals(1f + 0x1p-6f, bf16.getFloat(1));
            assertTrue(Float.isNaN(bf16.getFloat(2)));
            assertEquals(Float.POSITIVE_INFINITY, bf16.getFloat(3));
        }
    }

    /** The nearest BF16 (ties to the even one), found by comparing the two candidates in double precision. */
    private static int bf16Oracle(float v) {
        if (Float.isNaN(v)) return 0x7FC0_0000;
        int bits = Float.floatToRawIntBits(v);
        int down = bits & 0xFFFF_0000;
        int up = down + 0x1_0000; // next BF16 away from zero (may be infinity)
        float upValue = Float.intBitsToFloat(up);
        // Rounding treats infinity as the value one BF16 step past the largest finite one: 2^128.
        double dUp = Math.abs((Float.isInfinite(upValue) ? Math.copySign(0x1p128, v) : upValue) - (double) v);
        double dDown = Math.abs((double) v - Float.intBitsToFloat(down));
        if (dDown != dUp) return dDown < dUp ? down : up;
        return ((down >>> 16) & 1) == 0 ? down : up;
    }

    private Tensor randomTensor(String name, DType dtype, long... shape) {
        long n = 1;
        for (long d : shape) n *= d;
        byte[] bytes = new byte[(int) (n * dtype.bytes)];
        random.nextBytes(bytes);
        return new Tensor(name, dtype, shape, MemorySegment.ofArray(bytes));
    }
}
