package dev.pare.bench;

import dev.pare.backend.Activation;
import dev.pare.backend.AttentionSpec;
import dev.pare.backend.Backend;
import dev.pare.backend.ObsBlock;
import dev.pare.backend.Residency;
import dev.pare.tensor.FloatMatrix;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A backend that times the compression operations of the one it wraps, so that a harness can split a method's run into
 * its phases (Hessian, factorisation, column loop, lazy updates) while running the method's own code unchanged.
 * It passes the wrapped backend's {@link Residency} through (a GPU backend keeps its leases), and times the leases'
 * copies back to the host as {@link Phase#LEASE}. For a backend whose ops return before the device finishes them, give
 * a {@code sync} that waits for the device: each op is then charged its own device time.
 */
final class TimedBackend implements Backend, Residency {
    enum Phase { HESSIAN, FACTORISATION, MASK, COLUMN_LOOP, LAZY_UPDATE, LEASE }

    private final Backend inner;
    private final Runnable sync;
    private final Map<Phase, Long> nanos = new EnumMap<>(Phase.class);

    TimedBackend(Backend inner) {
        this(inner, () -> { });
    }

    TimedBackend(Backend inner, Runnable sync) {
        this.inner = inner;
        this.sync = sync;
    }

    @Override
    public Lease lease() {
        Lease lease = Residency.of(inner).lease();
        return new Lease() {
            @Override
            public Lease keep(FloatMatrix m) {
                lease.keep(m);
                return this;
            }

            @Override
            public Lease keepTransient(FloatMatrix m) {
                lease.keepTransient(m);
                return this;
            }

            @Override
            public void toHost(FloatMatrix m, int c0, int c1) {
                timed(Phase.LEASE, () -> lease.toHost(m, c0, c1));
            }

            @Override
            public void close() {
                timed(Phase.LEASE, lease::close);
            }
        };
    }

    double seconds(Phase p) {
        return nanos.getOrDefault(p, 0L) / 1e9;
    }

    void reset() {
        nanos.clear();
    }

    private <T> T timed(Phase p, Supplier<T> op) {
        long t0 = System.nanoTime();
        T result = op.get();
        sync.run();
        nanos.merge(p, System.nanoTime() - t0, Long::sum);
        return result;
    }

    private void timed(Phase p, Runnable op) {
        timed(p, () -> {
            op.run();
            return null;
        });
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void linear(FloatMatrix x, FloatMatrix w, FloatMatrix bias, FloatMatrix out) {
        inner.linear(x, w, bias, out);
    }

    @Override
    public void rmsNorm(FloatMatrix x, FloatMatrix weight, float eps, FloatMatrix out) {
        inner.rmsNorm(x, weight, eps, out);
    }

    @Override
    public void layerNorm(FloatMatrix x, FloatMatrix weight, FloatMatrix bias, float eps, FloatMatrix out) {
        inner.layerNorm(x, weight, bias, eps, out);
    }

    @Override
    public void rope(FloatMatrix x, int heads, int headDim, int pos0, double theta) {
        inner.rope(x, heads, headDim, pos0, theta);
    }

    @Override
    public void attention(FloatMatrix q, FloatMatrix k, FloatMatrix v, AttentionSpec spec, FloatMatrix out) {
        inner.attention(q, k, v, spec, out);
    }

    @Override
    public void activate(Activation act, FloatMatrix x) {
        inner.activate(act, x);
    }

    @Override
    public void multiply(FloatMatrix a, FloatMatrix b) {
        inner.multiply(a, b);
    }

    @Override
    public void add(FloatMatrix a, FloatMatrix b) {
        inner.add(a, b);
    }

    @Override
    public void pruneBelowGlobalThreshold(FloatMatrix w, float[] scale, double sparsity) {
        inner.pruneBelowGlobalThreshold(w, scale, sparsity);
    }

    @Override
    public void prunePerRow(FloatMatrix w, float[] scale, double sparsity) {
        inner.prunePerRow(w, scale, sparsity);
    }

    @Override
    public void pruneNofM(FloatMatrix w, float[] scale, int n, int m) {
        inner.pruneNofM(w, scale, n, m);
    }

    @Override
    public void rowRanges(FloatMatrix w, int c0, int c1, float[] min, float[] max) {
        inner.rowRanges(w, c0, c1, min, max);
    }

    @Override
    public double quadraticForm(FloatMatrix a, FloatMatrix h) {
        return inner.quadraticForm(a, h);
    }

    @Override
    public void copyColumns(FloatMatrix src, int srcCol, FloatMatrix dst, int dstCol, int width) {
        inner.copyColumns(src, srcCol, dst, dstCol, width);
    }

    @Override
    public double[] crossEntropy(FloatMatrix logits, int[] targets) {
        return inner.crossEntropy(logits, targets);
    }

    @Override
    public void accumulateGram(FloatMatrix h, FloatMatrix x, float decay, float alpha) {
        timed(Phase.HESSIAN, () -> inner.accumulateGram(h, x, decay, alpha));
    }

    @Override
    public boolean inverseCholeskyUpper(FloatMatrix h) {
        return timed(Phase.FACTORISATION, () -> inner.inverseCholeskyUpper(h));
    }

    @Override
    public byte[] obsBlockMask(FloatMatrix w, FloatMatrix hinv, int i1, int i2, double sparsity) {
        return timed(Phase.MASK, () -> inner.obsBlockMask(w, hinv, i1, i2, sparsity));
    }

    @Override
    public void obsBlock(ObsBlock block) {
        timed(Phase.COLUMN_LOOP, () -> inner.obsBlock(block));
    }

    @Override
    public void obsLazyUpdate(FloatMatrix w, FloatMatrix err, FloatMatrix hinv, int i1, int i2) {
        timed(Phase.LAZY_UPDATE, () -> inner.obsLazyUpdate(w, err, hinv, i1, i2));
    }

    @Override
    public void close() {
        inner.close();
    }
}
