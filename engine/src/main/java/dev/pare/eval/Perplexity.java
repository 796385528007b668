package dev.pare.eval;

import dev.pare.PareException;
import dev.pare.backend.Backend;
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
        try (Workspace scratch = new Workspace()) {
            for (int w = 0; w < windows; w++) {
                int[] window = Arrays.copyOfRange(tokens, w * seqlen, (w + 1) * seqlen);
                sum += meanNll(model, backend, window, scratch);
                scratch.reset();
                progress.update(w + 1, (double) (w + 1) * seqlen);
            }
        }
        double mean = sum / windows;
        return new PerplexityResult(Math.exp(mean), mean, (long) windows * seqlen, windows, seqlen, (System.nanoTime() - start) / 1e9);
    }

    /** Mean NLL of tokens[1..] given their prefixes, for one window run from position 0. */
    public static double meanNll(CausalLM model, Backend backend, int[] window, Workspace scratch) {
        {
            ForwardContext ctx = new ForwardContext(backend, scratch, LinearHook.NONE);
            KvCache[] caches = model.newCaches(scratch, window.length);
            FloatMatrix logits = model.forward(window, caches, ctx);
            double[] nll = backend.crossEntropy(logits.rows(0, window.length - 1), Arrays.copyOfRange(window, 1, window.length));
            double s = 0;
            for (double v : nll) s += v;
            return s / nll.length;
        }
    }
}
