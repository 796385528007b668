package dev.pare.cli;

import dev.pare.model.LoadedModel;
import dev.pare.model.ModelConfig;
import dev.pare.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Print a model's architecture, parameter count and tensors.")
final class InspectCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Hugging Face model folder or llama2.c .bin")
    Path modelPath;

    @Option(names = "--tokenizer", description = "tokenizer file, if not in the default place")
    Path tokenizer;

    @Override
    public Integer call() {
        try (LoadedModel m = LoadedModel.open(modelPath, tokenizer)) {
            ModelConfig c = m.model().config();
            m.model().checkBlocks(null); // a missing, mis-shaped or non-finite tensor is reported here, not mid-run
            System.out.printf(Locale.ROOT, "model         %s%n", m.path());
            System.out.printf(Locale.ROOT, "architecture  %s (%s)%n", c.hfArchitecture(), c.architecture());
            System.out.printf(Locale.ROOT, "parameters    %,d%n", m.model().parameterCount());
            System.out.printf(Locale.ROOT, "layers %d, hidden %d, heads %d, kv heads %d, head dim %d, intermediate %d, vocab %d, context %s%n",
                    c.layers(), c.hidden(), c.heads(), c.kvHeads(), c.headDim(), c.intermediate(), c.vocab(),
                    c.maxPositions() == Integer.MAX_VALUE ? "unbounded (ALiBi)" : String.valueOf(c.maxPositions()));
            if (m.hasTokenizer())
                System.out.printf(Locale.ROOT, "tokenizer     %d ids, bos %d, eos %d%n", m.tokenizer().vocabSize(), m.tokenizer().bosId(), m.tokenizer().eosId());
            else
                System.out.printf(Locale.ROOT, "tokenizer     none (the model runs on token ids: --calib-tokens, not text)%n");
            long bytes = 0;
            System.out.printf(Locale.ROOT, "%n%-60s %-5s %-16s %12s%n", "tensor", "dtype", "shape", "bytes");
            for (Tensor t : m.model().tensors()) {
                System.out.printf(Locale.ROOT, "%-60s %-5s %-16s %,12d%n", t.name(), t.dtype(), t.shapeString(), t.data().byteSize());
                bytes += t.data().byteSize();
            }
            System.out.printf(Locale.ROOT, "%n%d tensors, %,d bytes (%.2f MB)%n", m.model().tensors().size(), bytes, bytes / 1e6);
        }
        return 0;
    }
}
