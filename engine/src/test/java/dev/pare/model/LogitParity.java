package dev.pare.model;

import dev.pare.backend.Backend;
import dev.pare.tensor.FloatMatrix;
import dev.pare.tensor.Tensor;

import java.lang.foreign.Arena;
import java.util.Arrays;

/** Compares a model's logits with reference logits [batch × length × vocab] for input ids [batch × length]. */
final class LogitParity {
    private LogitParity() {
    }

    /** The worst, over the reference's sequences, of ‖pare − ref‖₂ / ‖ref‖₂. Each sequence runs whole, then token by token through the KV cache. */
    static double maxRelativeError(CausalLM model, Backend backend, Tensor inputIds, Tensor logits) {
        int batch = (int) inputIds.shape()[0], length = (int) inputIds.shape()[1], vocab = (int) logits.shape()[2];
        double worst = 0;
        for (int b = 0; b < batch; b++) {
            int[] ids = new int[length];
            for (int t = 0; t < length; t++) ids[t] = (int) inputIds.getLong((long) b * length + t);
            try (Arena arena = Arena.ofShared()) {
                ForwardContext ctx = new ForwardContext(backend, arena, LinearHook.NONE);
                FloatMatrix whole = model.forward(ids, model.newCaches(arena, length), ctx);
                worst = Math.max(worst, relativeError(whole, logits, (long) b * length * vocab));
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
