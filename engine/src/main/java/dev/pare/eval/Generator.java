package dev.pare.eval;

import dev.pare.backend.Backend;
import dev.pare.model.CausalLM;
import dev.pare.model.ForwardContext;
import dev.pare.model.KvCache;
import dev.pare.model.LinearHook;
import dev.pare.tensor.FloatMatrix;

import dev.pare.tensor.Workspace;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.function.IntConsumer;

/** Greedy decoding with a KV cache: the prompt in one prefill, then one token per step. */
public final class Generator {
    private Generator() {
    }

    /**
     * Appends up to {@code maxNew} argmax tokens to {@code prompt} (stopping after {@code eosId} if ≥ 0, or when the
     * context is full); each new id goes to {@code onToken} as soon as it is chosen. Returns the new ids.
     */
    public static int[] greedy(CausalLM model, Backend backend, int[] prompt, int maxNew, int eosId, int contextLength, IntConsumer onToken) {
        if (prompt.length == 0) throw new IllegalArgumentException("empty prompt");
        int capacity = Math.min(contextLength, prompt.length + maxNew);
        int[] out = new int[maxNew];
        int n = 0;
        try (Arena cacheArena = Arena.ofShared(); Workspace scratch = new Workspace()) {
            KvCache[] caches = model.newCaches(cacheArena, capacity);
            int[] input = prompt.length > capacity ? Arrays.copyOfRange(prompt, prompt.length - capacity, prompt.length) : prompt;
            while (n < maxNew && caches[0].length() + input.length <= capacity) {
                int next;
                FloatMatrix logits = model.forward(input, caches, new ForwardContext(backend, scratch, LinearHook.NONE));
                next = argmax(logits, logits.rows() - 1);
                scratch.reset();
                out[n++] = next;
                onToken.accept(next);
                if (next == eosId) break;
                input = new int[]{next};
            }
        }
        return Arrays.copyOf(out, n);
    }

    static int argmax(FloatMatrix logits, int row) {
        int best = 0;
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < logits.cols(); c++) {
            float v = logits.get(row, c);
            if (v > max) {
                max = v;
                best = c;
            }
        }
        return best;
    }
}
