package dev.pare.model;

import dev.pare.backend.Backend;
import dev.pare.io.SafetensorsFile;
import dev.pare.tensor.FloatMatrix;
import dev.pare.tensor.Tensor;
import dev.pare.tensor.Workspace;
import dev.pare.util.ProjectFiles;

import java.lang.foreign.Arena;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Compares a model's logits with reference logits [batch × length × vocab] for input ids [batch × length]. */
final class LogitParity {
    private LogitParity() {
    }

    /** The tiny models of ../shared/reference/tiny, one per architecture variant. */
    static final String[] TINY = {"llama-gqa", "llama-tied-theta5e5", "mistral", "qwen2", "opt-prenorm", "opt-postnorm-proj", "gpt2", "bloom"};

    /** Checks the tiny model {@code name} on the backend: relative L2 error of the logits ≤ 1e-4. */
    static void check(String name, Backend backend) {
        var dir = ProjectFiles.shared("reference/tiny/" + name);
        assumeTrue(dir.isPresent(), "../shared/reference/tiny/" + name + " not present: parity with transformers cannot be checked here");
        try (LoadedModel m = LoadedModel.open(dir.get());
             SafetensorsFile ref = SafetensorsFile.open(dir.get().resolve("reference_logits.safetensors"))) {
            double err = maxRelativeError(m.model(), backend, ref.get("input_ids"), ref.get("logits"));
            System.out.printf("forward parity %-20s on %s: relative L2 error %.3e%n", name, backend.name(), err);
            assertTrue(err <= 1e-4, name + " on " + backend.name() + ": relative L2 error of the logits " + err + " > 1e-4");
        }
    }

    /**
     * The worst, over the reference's sequences, of ‖pare − ref‖₂ / ‖ref‖₂. Each sequence runs whole with every op
     * coherent, whole again as evaluation runs it (weights and intermediates kept in the backend's memory), and in
     * two prefill chunks followed by single steps through the KV cache. Intermediates start as NaN: the pipeline's
     * workspaces are not zeroed, so an op that read its output before writing it would show here.
     */
    static double maxRelativeError(CausalLM model, Backend backend, Tensor inputIds, Tensor logits) {
        int batch = (int) inputIds.shape()[0], length = (int) inputIds.shape()[1], vocab = (int) logits.shape()[2];
        double worst = 0;
        for (int b = 0; b < batch; b++) {
            int[] ids = new int[length];
            for (int t = 0; t < length; t++) ids[t] = (int) inputIds.getLong((long) b * length + t);
            try (Arena arena = Arena.ofShared(); Workspace scratch = Workspace.filledWithNaN()) {
                ForwardContext ctx = new ForwardContext(backend, scratch, LinearHook.NONE);
                FloatMatrix whole = model.forward(ids, model.newCaches(arena, length), ctx);
                worst = Math.max(worst, relativeError(whole, logits, (long) b * length * vocab));
                worst = Math.max(worst, relativeError(resident(model, backend, ids), logits, (long) b * length * vocab));
                // The same sequence in two prefill chunks and single steps must give the same logits (KV cache, pos0).
                KvCache[] caches = model.newCaches(arena, length);
                FloatMatrix stepped = FloatMatrix.allocate(arena, length, vocab);
                int first = length / 2;
                stepped.rows(0, first).copyFrom(model.forward(Arrays.copyOf(ids, first), caches, ctx));
                for (int t = first; t < length; t++) stepped.rows(t, t + 1).copyFrom(model.forward(new int[]{ids[t]}, caches, ctx));
                worst = Math.max(worst, relativeError(stepped, logits, (long) b * length * vocab));
            }
        }
        return worst;
    }

    /**
     * Logits of one sequence computed as {@link dev.pare.eval.Perplexity} does — hidden states walked block by block
     * with one block resident, intermediates kept in the backend's memory — then brought to the host.
     */
    private static FloatMatrix resident(CausalLM model, Backend backend, int[] ids) {
        FloatMatrix[] out = new FloatMatrix[1];
        try (HiddenStates x = new HiddenStates(model, new int[][]{ids}, backend)) {
            for (int b = 0; b < model.layers(); b++) x.advance(model.block(b), LinearHook.NONE);
            x.forEach((i, state, ctx) -> {
                FloatMatrix logits = model.logits(state, ctx);
                ctx.transients().toHost(logits, 0, logits.cols());
                out[0] = logits.copy(Arena.ofAuto());
            });
        }
        return out[0];
    }

    static double relativeError(FloatMatrix got, Tensor ref, long offset) {
        double num = 0, den = 0;
        for (int t = 0; t < got.rows(); t++)
            for (int c = 0; c < got.cols(); c++) {
                double r = ref.getFloat(offset + (long) t * got.cols() + c);
                double d = got.get(t, c) - r;
                num += d * d;
                den += r * r;
            }
        return Math.sqrt(num / den);
    }
}
