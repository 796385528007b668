package dev.pare.compress;

import dev.pare.backend.Backend;
import dev.pare.backend.ObsBlock;
import dev.pare.backend.Residency;
import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.Arena;

/**
 * The blocked Optimal Brain Surgeon sweep of SparseGPT and GPTQ: columns in blocks of {@code blocksize}; inside a block
 * the backend's fused column loop prunes/quantizes and spreads each error over the block's later columns; after it,
 * one lazy batch update (a GEMM) carries the block's errors to every later column.
 */
final class ObsSweep {
    /** Unstructured sparsity of SparseGPT, chosen per block (NaN: none). */
    double sparsity = Double.NaN;
    int prunen, prunem;
    GroupQuantizer quantizer;

    /** Runs the sweep over w in place and returns each row's OBS loss Σ (w − q)²/Hinv_jj² / 2. */
    double[] run(FloatMatrix w, FloatMatrix hinv, int blocksize, Backend backend) {
        int rows = w.rows(), cols = w.cols();
        double[] losses = new double[rows];
        // W and H⁻¹ stay in the backend's memory (a GPU's) for the whole sweep; W comes back when it ends.
        try (Residency.Lease lease = Residency.of(backend).lease().keep(w).keep(hinv)) {
            for (int i1 = 0; i1 < cols; i1 += blocksize) {
                try (Arena arena = Arena.ofShared()) {
                    block(w, hinv, i1, Math.min(i1 + blocksize, cols), losses, backend, arena, lease);
                }
            }
        }
        return losses;
    }

    private void block(FloatMatrix w, FloatMatrix hinv, int i1, int i2, double[] losses, Backend backend, Arena arena, Residency.Lease lease) {
        int rows = w.rows(), count = i2 - i1;
        {
            byte[] mask = Double.isNaN(sparsity) ? null : backend.obsBlockMask(w, hinv, i1, i2, sparsity);
            FloatMatrix scale = null, zero = null;
            if (quantizer != null) {
                scale = FloatMatrix.allocateUninitialized(arena, rows, count); // the quantizer fills both
                zero = FloatMatrix.allocateUninitialized(arena, rows, count);
                // New groups' grids are fitted on W as the sweep has left it, where it lives (the backend's copy).
                quantizer.block(w, i1, i2, scale, zero);
            }
            FloatMatrix err = FloatMatrix.allocateUninitialized(arena, rows, count); // the sweep writes every error
            lease.keep(err); // from the block's sweep to the lazy update without a round trip
            int maxq = quantizer == null ? 0 : quantizer.grid().maxq();
            backend.obsBlock(new ObsBlock(w, hinv, i1, i2, mask, prunen, prunem, scale, zero, maxq, err, losses));
            backend.obsLazyUpdate(w, err, hinv, i1, i2);
        }
    }
}
