package dev.pare.compress;

import dev.pare.PareException;
import dev.pare.tensor.FloatMatrix;
import dev.pare.util.Chunks;

import java.lang.foreign.MemorySegment;

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

    /** Fits row r's scale and zero to W[r, c0:c1) for every row (min-max, no search), into scale[r], zero[r]. */
    public void fit(FloatMatrix w, int c0, int c1, float[] scale, float[] zero) {
        // Rows in parallel chunks; each row's slice copied to the heap in one go (element-wise reads of a shared
        // segment cost several times more).
        Chunks.forEach(w.rows(), 256, (r0, r1) -> {
            float[] row = new float[c1 - c0];
            for (int r = (int) r0; r < r1; r++) {
                MemorySegment.copy(w.segment(), FloatMatrix.F32, w.rowOffset(r) + (long) c0 * Float.BYTES, row, 0, row.length);
                float min = 0, max = 0;
                for (float v : row) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
                fitRange(min, max, scale, zero, r);
            }
        }, w.segment());
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
