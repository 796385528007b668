package dev.pare.cli;

import dev.pare.backend.Backend;
import dev.pare.backend.Backends;
import dev.pare.backend.cuda.GpuMath;
import picocli.CommandLine.Option;

/** Options every computing subcommand takes. */
final class CommonOptions {
    @Option(names = "--threads", description = "CPU threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--device", description = "cpu, cuda (cuda:N for device N) or auto: the GPU when CUDA is usable, else the CPU (default: ${DEFAULT-VALUE})")
    String device = "cpu";

    @Option(names = "--gpu-math", description = "the GPU's forward-pass matrix products: fp32, tf32 or bf16 (default: ${DEFAULT-VALUE}); compression always runs in FP32")
    String gpuMath = "fp32";

    Backend backend() {
        if (threads < 1) throw new dev.pare.PareException("--threads must be at least 1, got " + threads);
        return Backends.create(device, threads, GpuMath.parse(gpuMath), line -> System.err.println("pare: " + line));
    }
}
