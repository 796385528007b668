package dev.pare.cli;

import dev.pare.backend.Backend;
import dev.pare.backend.CpuBackend;
import picocli.CommandLine.Option;

/** Options every computing subcommand takes. */
final class CommonOptions {
    @Option(names = "--threads", description = "CPU threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    Backend backend() {
        if (threads < 1) throw new dev.pare.PareException("--threads must be at least 1, got " + threads);
        return new CpuBackend(threads);
    }
}
