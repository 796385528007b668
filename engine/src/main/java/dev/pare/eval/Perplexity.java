package dev.pare.eval;

import dev.pare.PareException;
import dev.pare.backend.Backend;
import dev.pare.backend.Residency;
import dev.pare.model.CausalLM;
import dev.pare.model.ForwardContext;
import dev.pare.model.KvCache;
import dev.pare.model.LinearHook;
import dev.pare.tensor.FloatMatrix;
import dev.pare.util.Progress;
import dev.pare.tensor.Workspace;

import java.util.Arrays;

/**
 * The perplexity protocol of the GPTQ and SparseGPT papers: the text tokenized once, cut into non-overlapping windows
 * of seqlen tokens (the tail dropped), each window run on its own from position 0, and
 * ppl = exp(mean over windows of the window's mean NLL over its seqlen−1 next-token predictions).
 */
public final class Perplexity {
    private Perplexity() {
    }

    public static PerplexityResult evaluate(CausalLM model, Backend backend, int[] tokens, int seqlen, Progress progress) {
        if (seqlen < 2) throw new PareException("--seqlen must be at least 2, got " + seqlen);
        int windows = tokens.length / seqlen;
        if (windows == 0)
            throw new PareException("the evaluation text has " + tokens.length + " tokens, fewer than one window of " + seqlen
                    + " (use a longer text or a smaller --seqlen)");
        long start = System.nanoTime();
        double sum = 0;
        Residency residency = Residency.of(backend);
        try (Workspace scratch = Residency.workspaceFor(backend); Residency.Lease weights = residency.lease()) {
            model.keepBlockWeights(weights);
            for (int w = 0; w < windows; w++) {
                int[] window = Arrays.copyOfRange(tokens, w * seqlen, (w + 1) * seqlen);
                try (Residency.Lease intermediates = residency.lease()) {
                    sum += meanNll(model, new ForwardContext(backend, scratch, LinearHook.NONE, intermediates), window);
                }
                scratch.reset();
                progress.update(w + 1, (double) (w + 1) * seqlen);
            }
        }
        double mean = sum / windows;
        return new PerplexityResult(Math.exp(mean), mean, (long) windows * seqlen, windows, seqlen, (System.nanoTime() - start) / 1e9);
    }

    /** Mean NLL of tokens[1..] given their prefixes, for one window run from position 0. */
    public static double meanNll(CausalLM model, ForwardContext ctx, int[] window) {
        KvCache[] caches = model.newCaches(ctx, window.length);
        FloatMatrix logits = model.forward(window, caches, ctx);
        double[] nll = ctx.backend().crossEntropy(logits.rows(0, window.length - 1), Arrays.copyOfRange(window, 1, window.length));
        double s = 0;
        for (double v : nll) s += v;
        return s / nll.length;
    }
}
