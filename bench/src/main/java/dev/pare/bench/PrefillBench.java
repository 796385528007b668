package dev.pare.bench;

import dev.pare.backend.CpuBackend;
import dev.pare.model.CausalLM;
import dev.pare.model.ForwardContext;
import dev.pare.model.LinearHook;
import dev.pare.model.LoadedModel;
import dev.pare.tensor.FloatMatrix;
import dev.pare.tensor.Workspace;
import dev.pare.util.ProjectFiles;
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
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Whole-model prefill on the CPU: one sequence of {@code tokens} through embed, every block and the LM head, as
 * perplexity evaluation runs it. Tokens/s = tokens / (time per call). "pare-demo" is the embedded model; "llama20m"
 * needs ../shared.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class PrefillBench {
    @Param({"pare-demo:512", "llama20m:2048"})
    public String modelAndTokens;

    private LoadedModel model;
    private CpuBackend backend;
    private Workspace workspace;
    private int[] tokens;

    @Setup(Level.Trial)
    public void load() {
        String[] p = modelAndTokens.split(":");
        Path dir = p[0].equals("pare-demo") ? ProjectFiles.demoModel()
                : ProjectFiles.shared("models/" + p[0]).orElseThrow(() -> new IllegalStateException("../shared not present: models/" + p[0]));
        model = LoadedModel.open(dir);
        backend = new CpuBackend();
        workspace = new Workspace();
        tokens = new Random(0).ints(Integer.parseInt(p[1]), 3, model.model().config().vocab()).toArray();
    }

    @Benchmark
    public float prefill() {
        CausalLM lm = model.model();
        FloatMatrix logits = lm.forward(tokens, lm.newCaches(workspace, tokens.length), new ForwardContext(backend, workspace, LinearHook.NONE));
        float last = logits.get(tokens.length - 1, 0);
        workspace.reset();
        return last;
    }

    @TearDown(Level.Trial)
    public void close() {
        workspace.close();
        backend.close();
        model.close();
    }

    public int tokens() {
        return tokens.length;
    }
}
