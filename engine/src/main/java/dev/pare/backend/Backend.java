package dev.pare.backend;

import dev.pare.tensor.FloatMatrix;

/**
 * The numeric operations Pare's algorithms are written against. The forward pass and the compression methods say
 * <em>what</em> happens; an implementation (CPU with the Vector API, CUDA through cuBLAS/cuSOLVER/NVRTC) says how fast.
 * Matrices are F32, row-major; activations are [tokens × features], weights are [out × in].
 */
public interface Backend extends AutoCloseable {
    String name();

    /** out[n×m] = x[n×k] · wᵀ + bias, for w [m×k] (nn.Linear); bias is a 1×m row or null. out must not share memory with x or w. */
    void linear(FloatMatrix x, FloatMatrix w, FloatMatrix bias, FloatMatrix out);

    /** out = x / √(mean(x²) + eps) · weight, row by row; weight is 1×cols. out may be x. */
    void rmsNorm(FloatMatrix x, FloatMatrix weight, float eps, FloatMatrix out);

    /** out = (x − mean) / √(var + eps) · weight + bias, row by row (biased variance); weight and bias are 1×cols. out may be x. */
    void layerNorm(FloatMatrix x, FloatMatrix weight, FloatMatrix bias, float eps, FloatMatrix out);

    /**
     * Rotary embedding in place, Hugging Face's rotate-half convention: in each head of x [T × heads·headDim], element i
     * pairs with element i + headDim/2 and row t turns by angle (pos0 + t)·θ^(−2i/headDim). Angles are computed in double.
     */
    void rope(FloatMatrix x, int heads, int headDim, int pos0, double theta);

    /**
     * Causal softmax attention: out [T × heads·headDim] from q, k, v as {@link AttentionSpec} lays them out. out must not
     * share memory with q, k or v.
     */
    void attention(FloatMatrix q, FloatMatrix k, FloatMatrix v, AttentionSpec spec, FloatMatrix out);

    /** x = act(x), element-wise. */
    void activate(Activation act, FloatMatrix x);

    /** a = a ⊙ b, element-wise (SwiGLU's silu(gate)·up). */
    void multiply(FloatMatrix a, FloatMatrix b);

    /** a = a + b, element-wise (residual connections). */
    void add(FloatMatrix a, FloatMatrix b);

    /**
     * dst[:, dstCol … dstCol+width) = src[:, srcCol … srcCol+width), over the rows both have (the same count): the KV
     * cache's appends and the split of fused q/k/v projections, kept in the backend's memory.
     */
    void copyColumns(FloatMatrix src, int srcCol, FloatMatrix dst, int dstCol, int width);

    /** Checks rowRanges' arguments. */
    static void checkRowRanges(FloatMatrix w, int c0, int c1, float[] min, float[] max) {
        if (c0 < 0 || c1 > w.cols() || c0 > c1 || min.length != w.rows() || max.length != w.rows())
            throw new IllegalArgumentException("rowRanges: columns [" + c0 + ", " + c1 + ") of " + w.rows() + "x" + w.cols() + " into " + min.length + " and " + max.length + " rows");
    }

    /** Checks copyColumns' arguments. */
    static void checkCopyColumns(FloatMatrix src, int srcCol, FloatMatrix dst, int dstCol, int width) {
        if (src.rows() != dst.rows() || width < 0 || srcCol < 0 || dstCol < 0 || srcCol + width > src.cols() || dstCol + width > dst.cols())
            throw new IllegalArgumentException("copyColumns: " + width + " columns from " + src.rows() + "x" + src.cols() + " at " + srcCol
                    + " into " + dst.rows() + "x" + dst.cols() + " at " + dstCol);
    }

    /**
     * Next-token negative log-likelihoods: for each row t of logits [T × vocab], −log softmax(logits[t])[targets[t]],
     * computed stably in double.
     */
    double[] crossEntropy(FloatMatrix logits, int[] targets);

    // ---- compression: the operations of SparseGPT, GPTQ and their relatives ----

    /**
     * tr(A·H·Aᵀ) = Σ_r a_r·H·a_rᵀ for A [rows × n] and a symmetric H [n × n], accumulated in double: with H ∝ XXᵀ,
     * the squared output ‖AX‖² of a layer's weights (A = W) or of its compression error (A = W − Ŵ).
     */
    double quadraticForm(FloatMatrix a, FloatMatrix h);

    /**
     * Magnitude's selection: zeroes every weight whose score |w_ij|·scale_j (scale null: |w_ij|) is ≤ the ⌊n·s⌋-th
     * smallest score of the whole matrix — ties at the threshold included, as the reference.
     */
    void pruneBelowGlobalThreshold(FloatMatrix w, float[] scale, double sparsity);

    /** Wanda's selection: zeroes the ⌊cols·s⌋ lowest-scoring weights of every row, ties to the lower column. */
    void prunePerRow(FloatMatrix w, float[] scale, double sparsity);

    /** N:M: zeroes the n lowest-scoring weights in every group of m consecutive columns of each row, ties to the lower column. */
    void pruneNofM(FloatMatrix w, float[] scale, int n, int m);

    /** Checks the pruning ops' arguments. */
    static void checkPruning(String op, FloatMatrix w, float[] scale, double sparsity) {
        if (scale != null && scale.length != w.cols())
            throw new IllegalArgumentException(op + ": " + scale.length + " column scales for " + w.cols() + " columns");
        if (!(sparsity >= 0 && sparsity < 1)) throw new IllegalArgumentException(op + ": sparsity " + sparsity + " outside [0, 1)");
    }

    /**
     * For every row r of w: min[r] = min(0, w[r, c0…c1)) and max[r] = max(0, w[r, c0…c1)) — the range a quantization
     * grid spans, taken where w lives (during the OBS sweep, a GPU's copy).
     */
    void rowRanges(FloatMatrix w, int c0, int c1, float[] min, float[] max);

    /** H ← decay·H + alpha·XᵀX for X [tokens × cols]; H [cols × cols] is kept symmetric (both triangles). */
    void accumulateGram(FloatMatrix h, FloatMatrix x, float decay, float alpha);

    /**
     * In place: a symmetric positive definite H becomes U, the upper Cholesky factor of H⁻¹ (H⁻¹ = UᵀU), which is
     * what GPTQ's cholesky → cholesky_inverse → cholesky(upper) computes. Returns false when H is not positive
     * definite; H's contents are then undefined.
     */
    boolean inverseCholeskyUpper(FloatMatrix h);

    /**
     * The unstructured SparseGPT mask of block [i1, i2): saliency w²/Hinv[j,j]² over the whole block, and the
     * ⌊n·sparsity⌋+1 smallest (ties at the threshold included, as the reference's {@code tmp <= thresh}) pruned.
     * Returns [rows × (i2−i1)] bytes, 1 = pruned.
     */
    byte[] obsBlockMask(FloatMatrix w, FloatMatrix hinv, int i1, int i2, double sparsity);

    /** The column sweep of one block, see {@link ObsBlock}. */
    void obsBlock(ObsBlock block);

    /** W[:, i2:] −= Err · Hinv[i1:i2, i2:]: the lazy batch update that carries a block's errors to the later columns. */
    void obsLazyUpdate(FloatMatrix w, FloatMatrix err, FloatMatrix hinv, int i1, int i2);

    @Override
    default void close() {
    }
}
