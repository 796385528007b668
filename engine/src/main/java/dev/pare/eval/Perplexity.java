package dev.pare.eval;

import dev.pare.PareException;
import dev.pare.backend.Backend;
import dev.pare.model.CausalLM;
import dev.pare.model.HiddenStates;
import dev.pare.model.LinearHook;
import dev.pare.tensor.FloatMatrix;
import dev.pare.util.Progress;

import java.util.Arrays;

/**
 * The perplexity protocol of the GPTQ and SparseGPT papers: the text tokenized once, cut into non-overlapping windows
 * of seqlen tokens (the tail dropped), each window run on its own from position 0, and
 * ppl = exp(mean over windows of the window's mean NLL over its seqlen−1 next-token predictions).
 */
public final class Perplexity {
    /** Hidden states kept per chunk of windows (a 7B model's 2048-token window is 32 MiB of them). */
    private static final long STATE_BYTES = 1L << 30;

    private Perplexity() {
    }

    public static PerplexityResult evaluate(CausalLM model, Backend backend, int[] tokens, int seqlen, Progress progress) {
        if (seqlen < 2) throw new PareException("--seqlen must be at least 2, got " + seqlen);
        int windows = tokens.length / seqlen;
        if (windows == 0)
            throw new PareException("the evaluation text has " + tokens.length + " tokens, fewer than one window of " + seqlen
                    + " (use a longer text or a smaller --seqlen)");
        long start = System.nanoTime();
        int layers = model.layers();
        model.checkBlocks(null); // a bad tensor is reported before the first window, not minutes in
        // Windows in chunks whose hidden states fit STATE_BYTES, each chunk walked block by block: one block resident.
        long stateBytes = (long) seqlen * model.config().hidden() * Float.BYTES;
        int chunk = (int) Math.max(1, Math.min(windows, STATE_BYTES / stateBytes));
        double sum = 0;
        for (int w0 = 0; w0 < windows; w0 += chunk) {
            int n = Math.min(chunk, windows - w0), first = w0;
            int[][] chunkWindows = new int[n][];
            for (int i = 0; i < n; i++) chunkWindows[i] = Arrays.copyOfRange(tokens, (w0 + i) * seqlen, (w0 + i + 1) * seqlen);
            double[] chunkSum = new double[1];
            try (HiddenStates x = new HiddenStates(model, chunkWindows, backend)) {
                for (int b = 0; b < layers; b++) {
                    x.advance(model.block(b), LinearHook.NONE);
                    model.unloadBlock(b);
                    int done = first + (int) ((long) n * (b + 1) / (layers + 1));
                    progress.update(done, (double) done * seqlen);
                }
                x.forEach((i, state, ctx) -> chunkSum[0] += meanNll(model.logits(state, ctx), chunkWindows[i], ctx.backend()));
            }
            sum += chunkSum[0];
            progress.update(w0 + n, (double) (w0 + n) * seqlen);
        }
        double mean = sum / windows;
        return new PerplexityResult(Math.exp(mean), mean, (long) windows * seqlen, windows, seqlen, (System.nanoTime() - start) / 1e9);
    }

    /** Mean NLL of window[1..] given their prefixes, from the window's logits [T × vocab]. */
    static double meanNll(FloatMatrix logits, int[] window, Backend backend) {
        double[] nll = backend.crossEntropy(logits.rows(0, window.length - 1), Arrays.copyOfRange(window, 1, window.length));
        double s = 0;
        for (double v : nll) s += v;
        return s / nll.length;
    }
}
