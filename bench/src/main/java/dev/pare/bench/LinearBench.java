package dev.pare.bench;

import dev.pare.backend.CpuBackend;
import dev.pare.tensor.FloatMatrix;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@link CpuBackend#linear} on a calibration-sized activation block: n = 2048 tokens × hidden in, hidden out, no bias.
 * One benchmark thread; the backend spreads the work over its own pool ({@code -Dpare.threads}, all cores by default).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class LinearBench {
    public static final int TOKENS = 2048;

    @Param({"384", "1024", "2048"})
    public int hidden;

    private Arena arena;
    private CpuBackend backend;
    private FloatMatrix x, w, out;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        backend = new CpuBackend();
        SplittableRandom random = new SplittableRandom(42);
        x = randomMatrix(TOKENS, hidden, random);
        w = randomMatrix(hidden, hidden, random);
        out = FloatMatrix.allocate(arena, TOKENS, hidden);
    }

    private FloatMatrix randomMatrix(int rows, int cols, SplittableRandom random) {
        FloatMatrix m = FloatMatrix.allocate(arena, rows, cols);
        for (long i = 0; i < m.size(); i++) m.segment().setAtIndex(FloatMatrix.F32, i, (float) (random.nextDouble() - 0.5));
        return m;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
        arena.close();
    }

    @Benchmark
    public FloatMatrix linear() {
        backend.linear(x, w, null, out);
        return out;
    }

    public static double flops(int hidden) {
        return 2.0 * TOKENS * hidden * hidden;
    }
}
