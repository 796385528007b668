package dev.pare.backend;

import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.MemorySegment;

import static dev.pare.tensor.FloatMatrix.F32;

/**
 * The kernels in plain Java, one element at a time: the path for {@code pare.vector.bits=0}, for CPUs without useful
 * vectors, and the reference {@link VectorKernels} is tested against. Every formula here is the one the vector code
 * evaluates lane-wise (same operation order for linear, same float rounding steps elsewhere), so the two paths differ
 * only where a vector loop splits a sum over lanes.
 */
final class ScalarKernels implements Kernels {
    @Override
    public String describe() {
        return "scalar";
    }

    @Override
    public int linearColumnAlign() {
        return 1;
    }

    @Override
    public int linearMinRows() {
        return 1;
    }

    @Override
    public void linear(FloatMatrix x, FloatMatrix w, FloatMatrix bias, FloatMatrix out, int r0, int r1, int c0, int c1) {
        MemorySegment xs = x.segment(), ws = w.segment(), os = out.segment();
        int k = x.cols();
        for (int i = r0; i < r1; i++) {
            long xRow = (long) i * k;
            for (int j = c0; j < c1; j++) {
                long wRow = (long) j * k;
                // An FMA chain from 0 per depth block, the block sums added in order, then the bias: VectorKernels.linear
                // rounds identically.
                float acc = 0f;
                for (int p0 = 0; p0 < k; p0 += LINEAR_DEPTH_BLOCK) {
                    float block = 0f;
                    for (int p = p0, end = Math.min(k, p0 + LINEAR_DEPTH_BLOCK); p < end; p++)
                        block = Math.fma(xs.getAtIndex(F32, xRow + p), ws.getAtIndex(F32, wRow + p), block);
                    acc = p0 == 0 ? block : acc + block;
                }
                if (bias != null) acc += bias.segment().getAtIndex(F32, j);
                os.setAtIndex(F32, (long) i * out.cols() + j, acc);
            }
        }
    }

    /** The scalar kernels read w as it is: nothing to pack. */
    @Override
    public int packedWeightsLength(int m, int kc) {
        return 0;
    }

    @Override
    public void packWeights(FloatMatrix w, int c0, int c1, int p0, int kc, float[] packed) {
    }

    @Override
    public void linearPacked(FloatMatrix x, FloatMatrix w, float[] packed, FloatMatrix out, int r0, int r1, int c0, int c1, int p0, int kc) {
        MemorySegment xs = x.segment(), ws = w.segment(), os = out.segment();
        int k = x.cols();
        for (int i = r0; i < r1; i++)
            for (int j = c0; j < c1; j++) {
                float block = 0f;
                for (int p = p0; p < p0 + kc; p++) block = Math.fma(xs.getAtIndex(F32, (long) i * k + p), ws.getAtIndex(F32, (long) j * k + p), block);
                long o = (long) i * out.cols() + j;
                os.setAtIndex(F32, o, p0 == 0 ? block : os.getAtIndex(F32, o) + block);
            }
    }

    @Override
    public void addBias(FloatMatrix bias, FloatMatrix out, int r0, int r1, int c0, int c1) {
        MemorySegment bs = bias.segment(), os = out.segment();
        for (int i = r0; i < r1; i++)
            for (int j = c0; j < c1; j++) {
                long o = (long) i * out.cols() + j;
                os.setAtIndex(F32, o, os.getAtIndex(F32, o) + bs.getAtIndex(F32, j));
            }
    }

    @Override
    public void linearFewRows(FloatMatrix x, FloatMatrix w, FloatMatrix bias, FloatMatrix out, int r0, int r1, int c0, int c1) {
        linear(x, w, bias, out, r0, r1, c0, c1);
    }

    @Override
    public void rmsNorm(FloatMatrix x, FloatMatrix weight, float eps, FloatMatrix out, int r0, int r1) {
        int n = x.cols();
        MemorySegment xs = x.segment(), ws = weight.segment(), os = out.segment();
        for (int r = r0; r < r1; r++) {
            long row = (long) r * n;
            double sumSq = 0;
            for (int i = 0; i < n; i++) {
                double v = xs.getAtIndex(F32, row + i);
                sumSq += v * v;
            }
            float scale = (float) (1 / Math.sqrt(sumSq / n + eps));
            for (int i = 0; i < n; i++)
                os.setAtIndex(F32, row + i, xs.getAtIndex(F32, row + i) * scale * ws.getAtIndex(F32, i));
        }
    }

    @Override
    public void layerNorm(FloatMatrix x, FloatMatrix weight, FloatMatrix bias, float eps, FloatMatrix out, int r0, int r1) {
        int n = x.cols();
        MemorySegment xs = x.segment(), ws = weight.segment(), bs = bias.segment(), os = out.segment();
        for (int r = r0; r < r1; r++) {
            long row = (long) r * n;
            double sum = 0;
            for (int i = 0; i < n; i++) sum += xs.getAtIndex(F32, row + i);
            double mean = sum / n;
            double sumSq = 0;
            for (int i = 0; i < n; i++) {
                double d = xs.getAtIndex(F32, row + i) - mean;
                sumSq += d * d;
            }
            float rstd = (float) (1 / Math.sqrt(sumSq / n + eps));
            // The mean as a float pair: x − hi is accurate to float precision of the difference, − lo restores the
            // bits hi dropped, so a large mean does not cost the centred value its precision.
            float meanHi = (float) mean, meanLo = (float) (mean - meanHi);
            for (int i = 0; i < n; i++) {
                float centred = (xs.getAtIndex(F32, row + i) - meanHi) - meanLo;
                os.setAtIndex(F32, row + i, Math.fma(centred * rstd, ws.getAtIndex(F32, i), bs.getAtIndex(F32, i)));
            }
        }
    }

    @Override
    public void rope(FloatMatrix x, int heads, int headDim, int pos0, double[] invFreq, int r0, int r1) {
        int half = headDim / 2;
        float[] cos = new float[half], sin = new float[half];
        MemorySegment xs = x.segment();
        for (int t = r0; t < r1; t++) {
            ropeAngles(pos0 + t, invFreq, cos, sin);
            for (int h = 0; h < heads; h++) {
                long base = (long) t * x.cols() + (long) h * headDim;
                for (int i = 0; i < half; i++) {
                    float x1 = xs.getAtIndex(F32, base + i), x2 = xs.getAtIndex(F32, base + half + i);
                    xs.setAtIndex(F32, base + i, x1 * cos[i] - x2 * sin[i]);
                    xs.setAtIndex(F32, base + half + i, x2 * cos[i] + x1 * sin[i]);
                }
            }
        }
    }

    /** cos and sin of pos·invFreq[i], the angle in double, each rounded once to float. */
    static void ropeAngles(int pos, double[] invFreq, float[] cos, float[] sin) {
        for (int i = 0; i < cos.length; i++) {
            double angle = pos * invFreq[i];
            cos[i] = (float) Math.cos(angle);
            sin[i] = (float) Math.sin(angle);
        }
    }

    /** The first key position a query at {@code pos} sees: keys in (pos − window, pos]. */
    static int firstVisibleKey(int pos, int slidingWindow) {
        return slidingWindow > 0 ? Math.max(0, pos - slidingWindow + 1) : 0;
    }

    @Override
    public void attention(FloatMatrix q, FloatMatrix k, FloatMatrix v, AttentionSpec spec, FloatMatrix out, int head, int t0, int t1) {
        int d = spec.headDim();
        int kvHead = head / (spec.heads() / spec.kvHeads());
        float slope = spec.alibiSlopes() == null ? 0f : spec.alibiSlopes()[head];
        MemorySegment qs = q.segment(), ks = k.segment(), vs = v.segment(), os = out.segment();
        float[] p = new float[spec.pos0() + t1];
        for (int t = t0; t < t1; t++) {
            int pos = spec.pos0() + t;
            int lo = firstVisibleKey(pos, spec.slidingWindow());
            long qRow = (long) t * q.cols() + (long) head * d;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = lo; j <= pos; j++) {
                long kRow = (long) j * k.cols() + (long) kvHead * d;
                float dot = 0f;
                for (int i = 0; i < d; i++) dot += qs.getAtIndex(F32, qRow + i) * ks.getAtIndex(F32, kRow + i);
                float s = dot * spec.scale() + slope * j;
                p[j - lo] = s;
                max = Math.max(max, s);
            }
            float sum = 0f;
            for (int j = 0; j <= pos - lo; j++) {
                p[j] = (float) Math.exp(p[j] - max);
                sum += p[j];
            }
            float inv = 1f / sum;
            long oRow = (long) t * out.cols() + (long) head * d;
            for (int i = 0; i < d; i++) {
                float acc = 0f;
                for (int j = lo; j <= pos; j++) acc += p[j - lo] * vs.getAtIndex(F32, (long) j * v.cols() + (long) kvHead * d + i);
                os.setAtIndex(F32, oRow + i, acc * inv);
            }
        }
    }

    @Override
    public void activate(Activation act, MemorySegment x, long from, long to) {
        for (long i = from; i < to; i++) x.setAtIndex(F32, i, activate(act, x.getAtIndex(F32, i)));
    }

    static float activate(Activation act, float x) {
        return switch (act) {
            case RELU -> Math.max(x, 0f);
            case GELU -> (float) Erf.gelu(x);
            // 0.5·(1 + tanh(u)) = 1/(1 + e^(−2u)): no cancellation for very negative x.
            case GELU_TANH -> x / (1f + (float) Math.exp(-2 * GELU_TANH_C * (x + 0.044715f * x * x * x)));
            case SILU -> x / (1f + (float) Math.exp(-x));
        };
    }

    /** √(2/π), rounded to float. */
    static final float GELU_TANH_C = (float) Math.sqrt(2 / Math.PI);

    @Override
    public void multiply(MemorySegment a, MemorySegment b, long from, long to) {
        for (long i = from; i < to; i++) a.setAtIndex(F32, i, a.getAtIndex(F32, i) * b.getAtIndex(F32, i));
    }

    @Override
    public void add(MemorySegment a, MemorySegment b, long from, long to) {
        for (long i = from; i < to; i++) a.setAtIndex(F32, i, a.getAtIndex(F32, i) + b.getAtIndex(F32, i));
    }

    @Override
    public void crossEntropy(FloatMatrix logits, int[] targets, double[] nll, int r0, int r1) {
        int vocab = logits.cols();
        MemorySegment ls = logits.segment();
        for (int t = r0; t < r1; t++) {
            long row = (long) t * vocab;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < vocab; i++) max = Math.max(max, ls.getAtIndex(F32, row + i));
            double sum = 0;
            for (int i = 0; i < vocab; i++) sum += Math.exp((double) ls.getAtIndex(F32, row + i) - max);
            nll[t] = max + Math.log(sum) - ls.getAtIndex(F32, row + targets[t]);
        }
    }
}
