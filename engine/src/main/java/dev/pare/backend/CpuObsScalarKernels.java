package dev.pare.backend;

import dev.pare.compress.QuantGrid;

/**
 * {@link CpuObsKernels} in plain Java: the fallback where vectors are not worth it, and the reference the vector
 * copies are tested against. Math.fma keeps each step the single rounding the vector FMA has.
 */
final class CpuObsScalarKernels implements CpuObsKernels {
    private static final int W = 8;
    private static final int MR = 4;

    @Override
    public String describe() {
        return "scalar";
    }

    @Override
    public int panelWidth() {
        return W;
    }

    @Override
    public int tileRows() {
        return MR;
    }

    @Override
    public void tile(int rows, float[] a, int aOff, int lda, float[] b, int bOff, int depth, float[] c, int cOff, int ldc, int mode) {
        for (int i = 0; i < rows; i++) {
            for (int lane = 0; lane < W; lane++) {
                float acc = 0;
                for (int p = 0; p < depth; p++) acc = Math.fma(a[aOff + i * lda + p], b[bOff + p * W + lane], acc);
                int o = cOff + i * ldc + lane;
                c[o] = mode == SET ? acc : mode == ADD ? c[o] + acc : c[o] - acc;
            }
        }
    }

    @Override
    public void tileIntoDouble(int rows, float[] a, int aOff, int lda, float[] b, int bOff, int depth, double[] c, int cOff, int ldc, float[] scratch) {
        for (int i = 0; i < rows; i++) {
            for (int lane = 0; lane < W; lane++) {
                float acc = 0;
                for (int p = 0; p < depth; p++) acc = Math.fma(a[aOff + i * lda + p], b[bOff + p * W + lane], acc);
                c[cOff + i * ldc + lane] += acc;
            }
        }
    }

    @Override
    public void reverse(float[] src, int srcOff, float[] dst, int dstOff, int len) {
        for (int k = 0; k < len; k++) dst[dstOff + k] = src[srcOff + len - 1 - k];
    }

    @Override
    public int sweepLanes() {
        return 1;
    }

    /**
     * One row, column by column, as the references' fasterprune / fasterquant run it: q, err = (w − q)/d, the later
     * columns of the block take err·Hinv's row, the loss adds (w − q)²/d².
     */
    @Override
    public void sweep(float[] w, float[] hinv, int count, float[] mask, int prunen, int prunem, float[] scale, float[] zero,
                      int maxq, float[] err, double[] loss) {
        boolean[] pruned = new boolean[count];
        if (mask != null) for (int j = 0; j < count; j++) pruned[j] = mask[j] != 0;
        double sum = 0;
        for (int i = 0; i < count; i++) {
            float d = hinv[i * count + i];
            if (prunen != 0 && i % prunem == 0) selectNofM(w, hinv, count, i, prunen, prunem, pruned);
            float wi = w[i];
            float q = pruned[i] ? 0f : wi;
            if (scale != null) q = QuantGrid.quantize(q, scale[i], zero[i], maxq);
            float e = (wi - q) / d;
            sum += (double) ((wi - q) * (wi - q)) / ((double) d * d);
            for (int j = i + 1; j < count; j++) w[j] = Math.fma(-e, hinv[i * count + j], w[j]);
            w[i] = q;
            err[i] = e;
        }
        loss[0] = sum;
    }

    /**
     * Marks the n weights of columns [i, i+m) with the smallest w²/d², in torch.topk(largest=False)'s order on ties as
     * a stable sort has it (Float.compare's order, the lower index first): weight j goes when fewer than n others
     * come before it.
     */
    private static void selectNofM(float[] w, float[] hinv, int count, int i, int n, int m, boolean[] pruned) {
        int len = Math.min(m, count - i);
        for (int j = 0; j < len; j++) {
            float sj = score(w, hinv, count, i + j);
            int rank = 0;
            for (int k = 0; k < len; k++) {
                int order = Float.compare(score(w, hinv, count, i + k), sj);
                if (order < 0 || order == 0 && k < j) rank++;
            }
            if (rank < n) pruned[i + j] = true;
        }
    }

    private static float score(float[] w, float[] hinv, int count, int j) {
        float d = hinv[j * count + j];
        return w[j] * w[j] / (d * d);
    }
}
