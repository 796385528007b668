package dev.pare.cli;

import dev.pare.PareException;
import dev.pare.io.SyntheticCheckpoint;
import dev.pare.tensor.DType;
import dev.pare.util.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write a random-weight checkpoint of a LLaMA-family shape (default: LLaMA-7B) for scale tests and benchmarks.")
final class SynthCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "folder to create (absent or empty)")
    Path out;

    @Option(names = "--arch", description = "llama, mistral or qwen2 (default: ${DEFAULT-VALUE})")
    String arch = "llama";

    @Option(names = "--hidden", description = "hidden size (default: ${DEFAULT-VALUE})")
    int hidden = 4096;

    @Option(names = "--layers", description = "blocks (default: ${DEFAULT-VALUE})")
    int layers = 32;

    @Option(names = "--intermediate", description = "MLP width (default: ${DEFAULT-VALUE})")
    int intermediate = 11008;

    @Option(names = "--heads", description = "attention heads (default: ${DEFAULT-VALUE})")
    int heads = 32;

    @Option(names = "--kv-heads", description = "key/value heads (default: --heads)")
    Integer kvHeads;

    @Option(names = "--vocab", description = "vocabulary size (default: ${DEFAULT-VALUE})")
    int vocab = 32000;

    @Option(names = "--context", description = "max positions (default: ${DEFAULT-VALUE})")
    int context = 2048;

    @Option(names = "--dtype", description = "f16, bf16 or f32 (default: ${DEFAULT-VALUE})")
    String dtype = "f16";

    @Option(names = "--init-std", description = "standard deviation of the weights (default: ${DEFAULT-VALUE}, transformers' initializer_range)")
    double initStd = 0.02;

    @Option(names = "--seed", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--shard-size", description = "largest shard in GB (default: ${DEFAULT-VALUE})")
    double shardGb = 5;

    @Override
    public Integer call() {
        DType type = DType.parse(dtype.toUpperCase(Locale.ROOT), "--dtype");
        if (!(shardGb > 0)) throw new PareException("--shard-size " + shardGb + ": expected a positive number of GB");
        SyntheticCheckpoint synth = new SyntheticCheckpoint(arch, hidden, layers, intermediate, heads, kvHeads == null ? heads : kvHeads, vocab, context,
                type, initStd, seed, (long) (shardGb * 1e9));
        long start = System.nanoTime();
        System.err.printf(Locale.ROOT, "pare synth: %s, %,d parameters, %s, into %s%n", arch, synth.parameters(), type, out);
        int tensors = synth.tensors().size();
        synth.write(out, new Progress(System.err, "  tensor", tensors, "MB"));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "wrote %s: %d tensors, %,d parameters, %.2f GB in %.1f s%n", out, tensors, synth.parameters(),
                synth.tensors().stream().mapToLong(t -> t.byteSize()).sum() / 1e9, seconds);
        return 0;
    }
}
