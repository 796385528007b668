package dev.pare.compress;

import dev.pare.PareException;
import dev.pare.backend.Backend;
import dev.pare.tensor.FloatMatrix;

/**
 * The uniform integer grid of GPTQ's quantizer: per output row, 2^bits levels spanning [min(x, 0), max(x, 0)]
 * (symmetric: [−max|x|, max|x|]), q(x) = scale·(clamp(round(x/scale) + zero, 0, maxq) − zero). Rounding is half to
 * even, as torch.round. Float arithmetic throughout, as the reference.
 */
public record QuantGrid(int bits, boolean symmetric) {
    public QuantGrid {
        if (bits < 2 || bits > 8) throw new PareException("--bits must be between 2 and 8, got " + bits);
    }

    public int maxq() {
        return (1 << bits) - 1;
    }

    /** Each row's grid over columns [c0, c1) of w (min-max, no search), from the row ranges the backend takes where w lives. */
    public void fit(FloatMatrix w, int c0, int c1, float[] scale, float[] zero, Backend backend) {
        float[] min = new float[w.rows()], max = new float[w.rows()];
        backend.rowRanges(w, c0, c1, min, max);
        for (int r = 0; r < w.rows(); r++) fitRange(min[r], max[r], scale, zero, r);
    }

    /** scale and zero for a row whose values span [min, max] (both already widened to include 0). */
    void fitRange(float min, float max, float[] scale, float[] zero, int r) {
        if (symmetric) {
            max = Math.max(Math.abs(min), max);
            if (min < 0) min = -max;
        }
        if (min == 0 && max == 0) {
            min = -1;
            max = 1;
        }
        float s = (max - min) / maxq();
        scale[r] = s;
        zero[r] = symmetric ? (maxq() + 1) / 2f : (float) Math.rint(-min / s);
    }

    public static float quantize(float x, float scale, float zero, int maxq) {
        float q = (float) Math.rint(x / scale) + zero;
        q = Math.max(0, Math.min(maxq, q));
        return scale * (q - zero);
    }

    @Override
    public String toString() {
        return bits + "-bit " + (symmetric ? "symmetric" : "asymmetric");
    }
}
