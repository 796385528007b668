package dev.pare.bench;

import dev.pare.backend.Backend;
import dev.pare.backend.CudaBackend;
import dev.pare.compress.CompressionJob;
import dev.pare.compress.CompressionSettings;
import dev.pare.compress.LayerReport;
import dev.pare.model.ModelConfig;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One whole `pare compress` run, timed: a model (typically `pare synth`'s LLaMA-7B shapes), random calibration token
 * ids, SparseGPT 50% + 4-bit by default, the output written. Prints the total, the per-block split (OBS compression of
 * the block's linears vs. everything else: calibration forward passes, Hessians, loading and writing) and the peaks of
 * GPU and host memory.
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar dev.pare.bench.EndToEndBench
 *     --model DIR --out DIR [--device cuda] [--gpu-math fp32|tf32|bf16] [--method sparsegpt] [--sparsity 0.5] [--bits 4] [--group-size 0]
 *     [--nsamples 128] [--seqlen 2048]
 * </pre>
 */
public final class EndToEndBench {
    private static final Pattern BLOCK_DONE = Pattern.compile("block (\\d+)/(\\d+) done, ([0-9.]+) s elapsed");

    public static void main(String[] args) throws IOException {
        Map<String, String> o = Llama20mStudy.options(args);
        Path model = Path.of(o.get("model")), out = Path.of(o.get("out"));
        int nsamples = Integer.parseInt(o.getOrDefault("nsamples", "128")), seqlen = Integer.parseInt(o.getOrDefault("seqlen", "2048"));
        String method = o.getOrDefault("method", "sparsegpt");
        double sparsity = Double.parseDouble(o.getOrDefault("sparsity", method.equals("gptq") ? "0" : "0.5"));
        int bits = Integer.parseInt(o.getOrDefault("bits", "4")), groupSize = Integer.parseInt(o.getOrDefault("group-size", "0"));
        Path tokens = Files.createTempFile("pare-e2e-calib-", ".bin");
        writeRandomTokens(tokens, ModelConfig.read(model.resolve("config.json")).vocab(), nsamples * seqlen);

        // The job's log goes to the terminal and is kept, for the block timestamps.
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        PrintStream log = new PrintStream(new Tee(System.err, kept), true, StandardCharsets.UTF_8);
        CompressionSettings settings = new CompressionSettings(model, out, method, sparsity, null, bits, false, groupSize, false, false, 128, 0.01,
                null, null, tokens, nsamples, seqlen, 0, null, null, null, List.of("EndToEndBench"));
        CompressionJob.Summary s;
        String device;
        long gpuPeak = -1;
        try (Backend backend = Llama20mStudy.backend(o)) {
            device = backend.name();
            s = new CompressionJob(settings, backend, log).run();
            if (backend instanceof CudaBackend cuda) gpuPeak = cuda.device().memory().peakBytes();
        } finally {
            Files.deleteIfExists(tokens);
        }

        List<double[]> blocks = blockTimes(kept.toString(StandardCharsets.UTF_8));
        System.out.printf(Locale.ROOT, "%n### End to end: %s, %s %.2f%s, %d × %d calibration tokens (%s)%n%n", model.getFileName(), method, sparsity,
                bits > 0 ? " + " + bits + "-bit" + (groupSize > 0 ? " g" + groupSize : "") : "", nsamples, seqlen, device);
        System.out.println("| block | wall s | OBS compression s | forward, Hessians, load, write s |");
        System.out.println("|---|---|---|---|");
        double previous = 0;
        for (double[] b : blocks) {
            int index = (int) b[0];
            double wall = b[1] - previous, obs = s.layers().stream().filter(l -> l.block() == index).mapToDouble(LayerReport::seconds).sum();
            previous = b[1];
            System.out.printf(Locale.ROOT, "| %d | %.2f | %.2f | %.2f |%n", index, wall, obs, wall - obs);
        }
        System.out.printf(Locale.ROOT, "%ntotal %.1f s (blocks %.1f s; the rest: loading, checks, calibration embedding, output side files)%n", s.seconds(), previous);
        System.out.printf(Locale.ROOT, "peak GPU memory (Pare's allocations) %s; peak host resident memory %s%n",
                gpuPeak < 0 ? "-" : String.format(Locale.ROOT, "%.2f GB", gpuPeak / 1e9), hostPeak());
    }

    /** (block index, seconds elapsed when it was done) from the pipeline's "block i/N done, t s elapsed" lines. */
    private static List<double[]> blockTimes(String log) {
        List<double[]> times = new ArrayList<>();
        Matcher m = BLOCK_DONE.matcher(log);
        while (m.find()) times.add(new double[]{Integer.parseInt(m.group(1)) - 1, Double.parseDouble(m.group(3))});
        return times;
    }

    private static String hostPeak() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) return "-";
        for (String line : Files.readAllLines(status))
            if (line.startsWith("VmHWM:")) return String.format(Locale.ROOT, "%.2f GB", Long.parseLong(line.replaceAll("\\D", "")) / 1e6);
        return "-";
    }

    private static void writeRandomTokens(Path file, int vocab, int count) throws IOException {
        SplittableRandom random = new SplittableRandom(0);
        ByteBuffer b = ByteBuffer.allocate(2 * count).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) b.putShort((short) random.nextInt(Math.min(vocab, 65536)));
        Files.write(file, b.array());
    }

    /** Writes to two streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a, b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int v) throws IOException {
            a.write(v);
            b.write(v);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
