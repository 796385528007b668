package dev.pare.bench;

import dev.pare.backend.CpuBackend;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Runs {@link FmaPeakBench} and {@link LinearBench} through JMH with short warmups and prints how close linear gets to
 * the FMA peak measured in the same run. {@code -Dpare.threads} and {@code -Dpare.vector.bits} are passed on to the
 * benchmark JVMs; the peak uses as many threads as the backend.
 * <pre>java --add-modules=jdk.incubator.vector -cp bench/target/benchmarks.jar dev.pare.bench.CpuKernelTable</pre>
 */
public final class CpuKernelTable {
    public static void main(String[] args) throws RunnerException {
        List<String> jvmArgs = new ArrayList<>(List.of("--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"));
        for (String property : new String[]{CpuBackend.THREADS_PROPERTY, CpuBackend.VECTOR_BITS_PROPERTY}) {
            String value = System.getProperty(property);
            if (value != null) jvmArgs.add("-D" + property + "=" + value);
        }
        int threads = Integer.getInteger(CpuBackend.THREADS_PROPERTY, Runtime.getRuntime().availableProcessors());
        String backendName;
        try (CpuBackend backend = new CpuBackend()) {
            backendName = backend.name();
        }

        Options peakOptions = new OptionsBuilder().include(FmaPeakBench.class.getName())
                .threads(threads).jvmArgsAppend(jvmArgs.toArray(String[]::new)).verbosity(VerboseMode.SILENT).build();
        Options linearOptions = new OptionsBuilder().include(LinearBench.class.getName())
                .jvmArgsAppend(jvmArgs.toArray(String[]::new)).verbosity(VerboseMode.SILENT).build();
        // The peak before and after linear: on a shared machine the two differ, and their mean is the fairer yardstick.
        double peakBefore = gflops(single(new Runner(peakOptions).run()), threads);
        Collection<RunResult> linear = new Runner(linearOptions).run();
        double peakAfter = gflops(single(new Runner(peakOptions).run()), threads);
        double peak = (peakBefore + peakAfter) / 2;

        System.out.printf("%nCPU kernels: %s%nFMA peak (%d threads × %d lanes): %.1f GFLOP/s (%.1f before, %.1f after linear)%n",
                backendName, threads, FmaPeakBench.lanes(), peak, peakBefore, peakAfter);
        System.out.printf("%-26s %14s %10s %9s%n", "linear shape", "ms", "GFLOP/s", "of peak");
        for (RunResult r : linear) {
            int hidden = Integer.parseInt(r.getParams().getParam("hidden"));
            double ms = r.getPrimaryResult().getScore(), err = r.getPrimaryResult().getScoreError();
            double gflops = LinearBench.flops(hidden) / (ms * 1e6);
            System.out.printf("%-26s %8.2f ± %-4.2f %10.1f %8.1f%%%n",
                    LinearBench.TOKENS + "×" + hidden + " · " + hidden + "×" + hidden + "ᵀ", ms, err, gflops, 100 * gflops / peak);
        }
    }

    /** All threads' FLOPs per call over the mean time of a call. */
    private static double gflops(RunResult peak, int threads) {
        return threads * FmaPeakBench.FLOPS_PER_CALL_PER_LANE * FmaPeakBench.lanes() / (peak.getPrimaryResult().getScore() * 1e6);
    }

    private static RunResult single(Collection<RunResult> results) {
        if (results.size() != 1) throw new IllegalStateException("expected one result, got " + results.size());
        return results.iterator().next();
    }
}
