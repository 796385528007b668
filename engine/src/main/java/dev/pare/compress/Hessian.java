package dev.pare.compress;

import dev.pare.backend.Backend;
import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.Arena;

/**
 * The layer-wise Hessian of the reconstruction loss ‖WX − ŴX‖², H = (2/n)·Σ XXᵀ over the calibration samples seen so
 * far — kept as a running mean in F32 exactly as the references' add_batch (n counts sequences, not tokens, which
 * fixes the scale of the OBS losses they print).
 */
public final class Hessian {
    private final FloatMatrix h;
    private int samples;

    public Hessian(Arena arena, int columns) {
        this.h = FloatMatrix.allocateZeroed(arena, columns, columns);
    }

    /** Adds the inputs x [tokens × columns] of {@code sequences} calibration sequences. */
    public void add(FloatMatrix x, int sequences, Backend backend) {
        int n = samples + sequences;
        backend.accumulateGram(h, x, (float) samples / n, 2f / n);
        samples = n;
    }

    public FloatMatrix matrix() {
        return h;
    }

    public int samples() {
        return samples;
    }

    public int columns() {
        return h.cols();
    }

    /** diag(H)[j] = (2/n)·Σ x_j²: twice Wanda's squared input-feature norm per sample. */
    public float[] diagonal() {
        float[] d = new float[h.cols()];
        for (int j = 0; j < d.length; j++) d[j] = h.get(j, j);
        return d;
    }
}
