package dev.pare.compress;

import dev.pare.SharedTestData;
import dev.pare.backend.Backend;
import dev.pare.backend.CpuBackend;
import dev.pare.backend.CudaBackend;
import dev.pare.bindings.Cuda;
import dev.pare.model.ModelConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The whole compression pipeline on the GPU (calibration states, block weights and intermediates resident on the
 * device) against the same run on the CPU, on the embedded pare-demo model with fresh random calibration tokens: every
 * layer reaches the same sparsity and the same relative reconstruction error within 1%.
 */
@Tag("gpu")
class CudaPipelineParityTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @ParameterizedTest
    @CsvSource({"sparsegpt, 0.5, 0, 0", "sparsegpt, 0.5, 4, 0", "gptq, 0, 4, 128", "wanda, 0.5, 0, 0", "magnitude, 0.5, 0, 0"})
    void gpuCompressesLikeTheCpu(String method, double sparsity, int bits, int groupSize, @TempDir Path tmp) throws IOException {
        assumeTrue(Cuda.available(), () -> "no usable GPU: " + Cuda.unavailableReason());
        // The weights and config alone: the runs read token ids, and the GPU machine's bundle carries no tokenizer library.
        Path demo = Files.createDirectories(tmp.resolve("pare-demo"));
        for (String f : new String[]{"config.json", "model.safetensors"}) Files.copy(SharedTestData.repo("models/pare-demo/" + f), demo.resolve(f));
        long seed = System.nanoTime();
        Path tokens = randomTokens(tmp.resolve("calib.bin"), ModelConfig.read(demo.resolve("config.json")).vocab(), 8 * 256, seed);
        List<LayerReport> cpu, gpu;
        try (Backend b = new CpuBackend()) {
            cpu = run(b, demo, tmp.resolve("cpu"), method, sparsity, bits, groupSize, tokens);
        }
        try (Backend b = new CudaBackend()) {
            gpu = run(b, demo, tmp.resolve("gpu"), method, sparsity, bits, groupSize, tokens);
        }
        assertEquals(cpu.size(), gpu.size());
        for (int i = 0; i < cpu.size(); i++) {
            LayerReport c = cpu.get(i), g = gpu.get(i);
            String what = method + " " + c.name() + " (seed " + seed + ")";
            assertEquals(c.sparsity(), g.sparsity(), 2e-3, what + ": sparsity");
            if (!Double.isNaN(c.relError())) assertEquals(c.relError(), g.relError(), 0.01 * c.relError() + 1e-7, what + ": relative error");
        }
    }

    private static List<LayerReport> run(Backend backend, Path model, Path out, String method, double sparsity, int bits, int groupSize, Path tokens) {
        CompressionSettings s = new CompressionSettings(model, out, method, sparsity, null, bits, false, groupSize, false, false, 128, 0.01, null,
                null, tokens, 8, 256, 0, null, null, null, List.of("CudaPipelineParityTest"));
        return new CompressionJob(s, backend, QUIET).run().layers();
    }

    private static Path randomTokens(Path file, int vocab, int count, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer b = ByteBuffer.allocate(2 * count).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) b.putShort((short) random.nextInt(Math.min(vocab, 65536)));
        return Files.write(file, b.array());
    }
}
