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
     * Next-token negative log-likelihoods: for each row t of logits [T × vocab], −log softmax(logits[t])[targets[t]],
     * computed stably in double.
     */
    double[] crossEntropy(FloatMatrix logits, int[] targets);

    @Override
    default void close() {
    }
}
