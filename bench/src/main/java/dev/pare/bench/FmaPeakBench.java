package dev.pare.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The machine's FP32 FMA peak through the Vector API: every core runs 12 independent FMA chains on the preferred
 * species (12 chains cover a 4–6 cycle latency on two FMA pipes, and fit AVX2's 16 registers next to the operands).
 * One call is {@link #FLOPS_PER_CALL_PER_LANE} × lanes FLOPs per thread; {@link CpuKernelTable} turns the time into GFLOP/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(Threads.MAX)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class FmaPeakBench {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int ITERATIONS = 1 << 18;
    static final int CHAINS = 12;
    /** 2 FLOPs per FMA lane. */
    public static final long FLOPS_PER_CALL_PER_LANE = 2L * CHAINS * ITERATIONS;

    // Fields, not constants: the JIT must not fold the chains away.
    float a = 0.999999f, b = 1e-7f;

    public static int lanes() {
        return S.length();
    }

    @Benchmark
    public float fmaChains() {
        FloatVector va = FloatVector.broadcast(S, a), vb = FloatVector.broadcast(S, b);
        FloatVector c0 = FloatVector.broadcast(S, 0.1f), c1 = FloatVector.broadcast(S, 0.2f), c2 = FloatVector.broadcast(S, 0.3f);
        FloatVector c3 = FloatVector.broadcast(S, 0.4f), c4 = FloatVector.broadcast(S, 0.5f), c5 = FloatVector.broadcast(S, 0.6f);
        FloatVector c6 = FloatVector.broadcast(S, 0.7f), c7 = FloatVector.broadcast(S, 0.8f), c8 = FloatVector.broadcast(S, 0.9f);
        FloatVector c9 = FloatVector.broadcast(S, 1.0f), c10 = FloatVector.broadcast(S, 1.1f), c11 = FloatVector.broadcast(S, 1.2f);
        for (int i = 0; i < ITERATIONS; i++) {
            c0 = c0.fma(va, vb);
            c1 = c1.fma(va, vb);
            c2 = c2.fma(va, vb);
            c3 = c3.fma(va, vb);
            c4 = c4.fma(va, vb);
            c5 = c5.fma(va, vb);
            c6 = c6.fma(va, vb);
            c7 = c7.fma(va, vb);
            c8 = c8.fma(va, vb);
            c9 = c9.fma(va, vb);
            c10 = c10.fma(va, vb);
            c11 = c11.fma(va, vb);
        }
        FloatVector sum = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11);
        return sum.reduceLanes(VectorOperators.ADD);
    }
}
