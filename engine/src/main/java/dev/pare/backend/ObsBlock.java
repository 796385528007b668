package dev.pare.backend;

import dev.pare.tensor.FloatMatrix;

/**
 * One 128-column block of the Optimal Brain Surgeon sweep that SparseGPT and GPTQ share. For columns i = i1 … i2−1,
 * every row independently: q = the pruned (0) and/or quantized value of w = W[r, i]; err = (w − q) / Hinv[i, i];
 * the columns of the block after i absorb the error, W[r, j] −= err · Hinv[i, j]; W[r, i] = q. Hinv is the upper
 * Cholesky factor of H⁻¹, whose row i is the inverse Hessian once the columns before i are fixed.
 *
 * @param w      [rows × cols]; columns i1 … i2−1 are replaced by their compressed values
 * @param hinv   [cols × cols], upper Cholesky factor of the damped H⁻¹
 * @param mask   [rows × (i2−i1)], 1 where the weight is pruned (unstructured pruning, chosen before the sweep), or null
 * @param prunen N of N:M sparsity (0 for none): at every M-th column of the block the N weights of the next M with the
 *               smallest w²/Hinv[j,j]², as updated so far, are pruned
 * @param prunem M of N:M sparsity
 * @param scale  [rows × (i2−i1)]: the quantization scale that applies to each weight, or null for no quantization
 * @param zero   [rows × (i2−i1)]: the zero point, alongside scale
 * @param maxq   2^bits − 1
 * @param err    [rows × (i2−i1)] out: the scaled errors (w − q)/Hinv[i, i], for the lazy update of later columns
 * @param losses [rows] in/out: each row's OBS loss Σ (w − q)²/Hinv[i,i]² / 2 is added
 */
public record ObsBlock(FloatMatrix w, FloatMatrix hinv, int i1, int i2, byte[] mask, int prunen, int prunem,
                       FloatMatrix scale, FloatMatrix zero, int maxq, FloatMatrix err, double[] losses) {
    public int count() {
        return i2 - i1;
    }

    public boolean quantized() {
        return scale != null;
    }
}
