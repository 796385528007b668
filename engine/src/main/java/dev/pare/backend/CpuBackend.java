package dev.pare.backend;

import dev.pare.PareException;
import dev.pare.tensor.FloatMatrix;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The CPU backend: F32 kernels with the Vector API on a dedicated fork-join pool. This class decides how an op is
 * split into blocks (rows, column tiles, heads × query blocks) and runs them on the pool; {@link Kernels} says what
 * one block computes. Every output element is computed by one block from the same inputs in the same order whatever
 * the partition, so results do not depend on the thread count.
 * <p>
 * Configuration, read by {@link #CpuBackend()}: {@code -Dpare.threads=N} (default: all processors) and
 * {@code -Dpare.vector.bits=128|256|512} to force a vector width, or {@code 0} for the scalar path (default: the
 * CPU's preferred width). Widths are chosen here and only here.
 * <p>
 * With more than one thread, the matrices passed in are read and written by the pool's workers: they must live in a
 * shared arena ({@code Arena.ofShared()}, {@code Arena.global()}), not a confined one.
 */
public final class CpuBackend implements Backend {
    public static final String THREADS_PROPERTY = "pare.threads";
    public static final String VECTOR_BITS_PROPERTY = "pare.vector.bits";

    /** Widest column block of a linear task: its packed block of w (256 × 256 floats) stays in L2. */
    private static final int LINEAR_MAX_COLUMNS = 256;
    /** A linear task keeps at least this many rows when rows are split, so packing w is amortised. */
    private static final int LINEAR_MIN_ROWS_PER_TASK = 128;
    /** Elements below which splitting an element-wise or row-wise op is not worth a task. */
    private static final int MIN_ELEMENTS_PER_TASK = 1 << 15;

    private final int threads;
    private final ForkJoinPool pool;
    private final AtomicInteger workersStarted = new AtomicInteger();
    private static final ThreadLocal<float[]> PACKED_WEIGHTS = new ThreadLocal<>();
    private final Kernels kernels;
    private final CpuCompressionOps compression;

    /** Threads and vector width from the system properties {@value #THREADS_PROPERTY} and {@value #VECTOR_BITS_PROPERTY}. */
    public CpuBackend() {
        this(threadsFromProperty(), speciesFromProperty());
    }

    /**
     * @param threads worker threads (1 runs everything on the caller's thread)
     * @param species the float species of the vector kernels, or null for the scalar kernels; any species the CPU
     *                supports works at full speed (each gets its own copy of the kernel class, see {@link VectorKernels})
     */
    public CpuBackend(int threads, VectorSpecies<Float> species) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        this.threads = threads;
        this.kernels = species == null ? new ScalarKernels() : VectorKernels.forSpecies(species);
        this.pool = threads == 1 ? null : new ForkJoinPool(threads, this::newWorker, null, false);
        this.compression = new CpuCompressionOps(this, this::parallelFor, threads, species);
    }

    /** {@code threads} workers, the vector width from {@value #VECTOR_BITS_PROPERTY} (default: the CPU's preferred). */
    public CpuBackend(int threads) {
        this(threads, speciesFromProperty());
    }

    /** A backend with {@value #THREADS_PROPERTY} threads and vectors of {@code bits} (0: the scalar path). */
    public static CpuBackend withVectorBits(int bits) {
        return new CpuBackend(threadsFromProperty(), speciesForBits(bits));
    }

    /** The float species {@code bits} wide (128, 256 or 512), or null for 0, the scalar path. */
    public static VectorSpecies<Float> speciesForBits(int bits) {
        if (bits == 0) return null;
        if (bits != 128 && bits != 256 && bits != 512)
            throw new IllegalArgumentException("vector width must be 0 (scalar), 128, 256 or 512 bits, got " + bits);
        int widest = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        if (bits > widest)
            throw new IllegalArgumentException(bits + "-bit vectors requested but this CPU's widest float vectors are " + widest
                    + " bits (wider ones would run emulated, slower than the scalar path)");
        return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }

    private static VectorSpecies<Float> speciesFromProperty() {
        String value = System.getProperty(VECTOR_BITS_PROPERTY);
        if (value == null || value.isBlank()) {
            VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
            // Fewer than 4 lanes (no SIMD worth the name): the scalar path is as fast and simpler.
            return preferred.length() >= 4 ? preferred : null;
        }
        try {
            return speciesForBits(Integer.parseInt(value.trim()));
        } catch (IllegalArgumentException e) {
            throw new PareException("-D" + VECTOR_BITS_PROPERTY + "=" + value + ": " + e.getMessage(), e);
        }
    }

    private static int threadsFromProperty() {
        String value = System.getProperty(THREADS_PROPERTY);
        if (value == null || value.isBlank()) return Runtime.getRuntime().availableProcessors();
        try {
            int threads = Integer.parseInt(value.trim());
            if (threads >= 1) return threads;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new PareException("-D" + THREADS_PROPERTY + "=" + value + ": expected a thread count of at least 1");
    }

    /** Workers named pare-cpu-0, -1, … (the pool assigns its own indices only once a worker runs). */
    private ForkJoinWorkerThread newWorker(ForkJoinPool pool) {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("pare-cpu-" + workersStarted.getAndIncrement());
        return t;
    }

    @Override
    public String name() {
        return "cpu (" + kernels.describe() + ", " + threads + " threads)";
    }

    public int threads() {
        return threads;
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdown();
    }

    // ---------------------------------------------------------------------------------------------------------------

    /**
     * {@inheritDoc}
     * <p>
     * out must not share memory with x or w. Each output is one FMA chain over k in order from 0, then + bias, so the
     * scalar and vector paths agree bit for bit when x has at least a few rows; for fewer rows (decoding) the sums
     * along k are split over vector lanes.
     */
    @Override
    public void linear(FloatMatrix x, FloatMatrix w, FloatMatrix bias, FloatMatrix out) {
        int n = x.rows(), k = x.cols(), m = w.rows();
        if (w.cols() != k) throw new IllegalArgumentException("linear: x is " + shape(x) + " but w is " + shape(w) + " (in features differ)");
        if (out.rows() != n || out.cols() != m)
            throw new IllegalArgumentException("linear: out is " + shape(out) + " but x·wᵀ is " + n + "x" + m);
        if (bias != null && bias.size() != m) throw new IllegalArgumentException("linear: bias is " + shape(bias) + " for " + m + " outputs");
        if (n == 0 || m == 0) return;

        int wanted = threads == 1 ? 1 : 2 * threads;
        if (n < kernels.linearMinRows()) {
            // Decoding: w is read once, so split its rows (the output columns) and nothing else.
            int colBlock = Math.max(16, ceilDiv(m, wanted));
            int blocks = ceilDiv(m, colBlock);
            parallelFor(blocks, b -> kernels.linearFewRows(x, w, bias, out, 0, n, b * colBlock, Math.min(m, (b + 1) * colBlock)));
            return;
        }
        int align = kernels.linearColumnAlign();
        int colBlocks = ceilDiv(m, LINEAR_MAX_COLUMNS), rowBlocks = 1;
        while (rowBlocks * colBlocks < wanted) {
            if (n / (2 * rowBlocks) >= LINEAR_MIN_ROWS_PER_TASK) rowBlocks *= 2;
            else if (m / (colBlocks + 1) >= 2 * align) colBlocks++;
            else break;
        }
        int colBlock = roundUp(ceilDiv(m, colBlocks), align);
        int rowBlock = roundUp(ceilDiv(n, rowBlocks), kernels.linearMinRows());
        int cols = ceilDiv(m, colBlock), rows = ceilDiv(n, rowBlock);
        if (rows == 1) {
            parallelFor(cols, c -> kernels.linear(x, w, bias, out, 0, n, c * colBlock, Math.min(m, (c + 1) * colBlock)));
            return;
        }
        // Several row blocks would each pack the same columns of w again (at 16 threads, 16 times): pack each depth block
        // of w once, all threads together, then let every task read the shared copy.
        float[] packed = packedWeights(kernels.packedWeightsLength(m, Math.min(Kernels.LINEAR_DEPTH_BLOCK, k)));
        int panels = ceilDiv(m, align), panelsPerPack = ceilDiv(panels, Math.min(panels, wanted));
        for (int p0 = 0; p0 < k; p0 += Kernels.LINEAR_DEPTH_BLOCK) {
            int depth = p0, kc = Math.min(Kernels.LINEAR_DEPTH_BLOCK, k - p0);
            parallelFor(ceilDiv(panels, panelsPerPack), t -> kernels.packWeights(w, t * panelsPerPack * align, Math.min(m, (t + 1) * panelsPerPack * align), depth, kc, packed));
            parallelFor(rows * cols, b -> {
                int r = b / cols, c = b % cols;
                kernels.linearPacked(x, w, packed, out, r * rowBlock, Math.min(n, (r + 1) * rowBlock), c * colBlock, Math.min(m, (c + 1) * colBlock), depth, kc);
            });
        }
        if (bias != null) parallelFor(rows * cols, b -> {
            int r = b / cols, c = b % cols;
            kernels.addBias(bias, out, r * rowBlock, Math.min(n, (r + 1) * rowBlock), c * colBlock, Math.min(m, (c + 1) * colBlock));
        });
    }

    /** The calling thread's buffer for a packed depth block of w, kept between calls (a 7B MLP's is 22 MB). */
    private float[] packedWeights(int length) {
        float[] packed = PACKED_WEIGHTS.get();
        if (packed == null || packed.length < length) PACKED_WEIGHTS.set(packed = new float[length]);
        return packed;
    }

    @Override
    public void rmsNorm(FloatMatrix x, FloatMatrix weight, float eps, FloatMatrix out) {
        requireSameShape("rmsNorm", x, out);
        if (weight.size() != x.cols()) throw new IllegalArgumentException("rmsNorm: weight is " + shape(weight) + " for rows of " + x.cols());
        forRowBlocks(x.rows(), x.cols(), (r0, r1) -> kernels.rmsNorm(x, weight, eps, out, r0, r1));
    }

    @Override
    public void layerNorm(FloatMatrix x, FloatMatrix weight, FloatMatrix bias, float eps, FloatMatrix out) {
        requireSameShape("layerNorm", x, out);
        if (weight.size() != x.cols() || bias.size() != x.cols())
            throw new IllegalArgumentException("layerNorm: weight " + shape(weight) + " and bias " + shape(bias) + " for rows of " + x.cols());
        forRowBlocks(x.rows(), x.cols(), (r0, r1) -> kernels.layerNorm(x, weight, bias, eps, out, r0, r1));
    }

    @Override
    public void rope(FloatMatrix x, int heads, int headDim, int pos0, double theta) {
        if (headDim <= 0 || headDim % 2 != 0) throw new IllegalArgumentException("rope: head dimension " + headDim + " is not a positive even number");
        if ((long) heads * headDim != x.cols())
            throw new IllegalArgumentException("rope: x is " + shape(x) + " but " + heads + " heads × " + headDim + " = " + (long) heads * headDim);
        // Once per call; each row then computes its cos/sin once and reuses them over all heads.
        double[] invFreq = new double[headDim / 2];
        for (int i = 0; i < invFreq.length; i++) invFreq[i] = Math.pow(theta, -2.0 * i / headDim);
        forRowBlocks(x.rows(), x.cols() + 4L * headDim, (r0, r1) -> kernels.rope(x, heads, headDim, pos0, invFreq, r0, r1));
    }

    @Override
    public void attention(FloatMatrix q, FloatMatrix k, FloatMatrix v, AttentionSpec spec, FloatMatrix out) {
        int t = q.rows(), keys = spec.pos0() + t;
        long qCols = (long) spec.heads() * spec.headDim(), kvCols = (long) spec.kvHeads() * spec.headDim();
        if (q.cols() != qCols) throw new IllegalArgumentException("attention: q is " + shape(q) + " but " + spec.heads() + " heads × " + spec.headDim() + " = " + qCols);
        if (k.rows() != keys || k.cols() != kvCols || v.rows() != keys || v.cols() != kvCols)
            throw new IllegalArgumentException("attention: k is " + shape(k) + " and v is " + shape(v) + " but pos0 + T = " + keys
                    + " positions of " + spec.kvHeads() + " heads × " + spec.headDim() + " were expected");
        requireSameShape("attention", q, out);
        if (spec.pos0() < 0) throw new IllegalArgumentException("attention: negative pos0 " + spec.pos0());
        // Each task packs its head's keys once for a range of queries: ranges as long as the thread count allows.
        // The kernels' results do not depend on how the queries are split.
        int ranges = Math.min(ceilDiv(t, 16), Math.max(1, ceilDiv(2 * threads, spec.heads())));
        int range = ceilDiv(t, ranges), blocks = ceilDiv(t, range);
        parallelFor(spec.heads() * blocks, b -> {
            int head = b / blocks, t0 = (b % blocks) * range;
            kernels.attention(q, k, v, spec, out, head, t0, Math.min(t, t0 + range));
        });
    }

    @Override
    public void activate(Activation act, FloatMatrix x) {
        forElementBlocks(x.size(), (from, to) -> kernels.activate(act, x.segment(), from, to));
    }

    @Override
    public void multiply(FloatMatrix a, FloatMatrix b) {
        requireSameShape("multiply", a, b);
        forElementBlocks(a.size(), (from, to) -> kernels.multiply(a.segment(), b.segment(), from, to));
    }

    @Override
    public void add(FloatMatrix a, FloatMatrix b) {
        requireSameShape("add", a, b);
        forElementBlocks(a.size(), (from, to) -> kernels.add(a.segment(), b.segment(), from, to));
    }

    @Override
    public void copyColumns(FloatMatrix src, int srcCol, FloatMatrix dst, int dstCol, int width) {
        Backend.checkCopyColumns(src, srcCol, dst, dstCol, width);
        long bytes = (long) width * Float.BYTES;
        for (int r = 0; r < src.rows(); r++)
            MemorySegment.copy(src.segment(), src.rowOffset(r) + (long) srcCol * Float.BYTES, dst.segment(), dst.rowOffset(r) + (long) dstCol * Float.BYTES, bytes);
    }

    @Override
    public double[] crossEntropy(FloatMatrix logits, int[] targets) {
        if (targets.length != logits.rows())
            throw new IllegalArgumentException("crossEntropy: " + targets.length + " targets for " + logits.rows() + " rows of logits");
        for (int t = 0; t < targets.length; t++)
            if (targets[t] < 0 || targets[t] >= logits.cols())
                throw new IllegalArgumentException("crossEntropy: target " + targets[t] + " at row " + t + " is outside the vocabulary of " + logits.cols());
        double[] nll = new double[targets.length];
        forRowBlocks(logits.rows(), 4L * logits.cols(), (r0, r1) -> kernels.crossEntropy(logits, targets, nll, r0, r1));
        return nll;
    }

    // ---------------------------------------------------------------------------------------------------------------

    private interface Block {
        void run(int from, int to);
    }

    private interface LongBlock {
        void run(long from, long to);
    }

    /** Rows in blocks of about {@link #MIN_ELEMENTS_PER_TASK} work units or more, a few blocks per thread. */
    private void forRowBlocks(int rows, long workPerRow, Block body) {
        int perTask = (int) Math.max(ceilDiv(rows, 4 * threads), Math.min(rows, ceilDiv(MIN_ELEMENTS_PER_TASK, Math.max(1, workPerRow))));
        int blocks = Math.max(1, ceilDiv(rows, Math.max(1, perTask)));
        parallelFor(blocks, b -> body.run(b * perTask, Math.min(rows, (b + 1) * perTask)));
    }

    @Override
    public void pruneBelowGlobalThreshold(FloatMatrix w, float[] scale, double sparsity) {
        Backend.checkPruning("pruneBelowGlobalThreshold", w, scale, sparsity);
        CpuPruning.belowGlobalThreshold(w, scale, sparsity);
    }

    @Override
    public void prunePerRow(FloatMatrix w, float[] scale, double sparsity) {
        Backend.checkPruning("prunePerRow", w, scale, sparsity);
        CpuPruning.perRow(w, scale, sparsity);
    }

    @Override
    public void pruneNofM(FloatMatrix w, float[] scale, int n, int m) {
        Backend.checkPruning("pruneNofM", w, scale, 0);
        CpuPruning.nOfM(w, scale, n, m);
    }

    @Override
    public void rowRanges(FloatMatrix w, int c0, int c1, float[] min, float[] max) {
        Backend.checkRowRanges(w, c0, c1, min, max);
        // Each row's slice copied to the heap in one go: element-wise reads of a shared segment cost several times more.
        forRowBlocks(w.rows(), c1 - c0, (r0, r1) -> {
            float[] row = new float[c1 - c0];
            for (int r = r0; r < r1; r++) {
                MemorySegment.copy(w.segment(), FloatMatrix.F32, w.rowOffset(r) + (long) c0 * Float.BYTES, row, 0, row.length);
                float lo = 0, hi = 0;
                for (float v : row) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                min[r] = lo;
                max[r] = hi;
            }
        });
    }

    @Override
    public double quadraticForm(FloatMatrix a, FloatMatrix h) {
        if (h.rows() != a.cols() || h.cols() != a.cols())
            throw new IllegalArgumentException("quadraticForm: A is " + a.rows() + "x" + a.cols() + " but H is " + h.rows() + "x" + h.cols());
        try (Arena arena = Arena.ofShared()) {
            FloatMatrix ah = FloatMatrix.allocate(arena, a.rows(), a.cols());
            linear(a, h, null, ah); // A·Hᵀ = A·H
            double[] rows = new double[a.rows()];
            forRowBlocks(a.rows(), 2L * a.cols(), (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    double s = 0;
                    for (int c = 0; c < a.cols(); c++) s += (double) a.get(r, c) * ah.get(r, c);
                    rows[r] = s;
                }
            });
            double sum = 0;
            for (double v : rows) sum += v;
            return sum;
        }
    }

    @Override
    public void accumulateGram(FloatMatrix h, FloatMatrix x, float decay, float alpha) {
        compression.accumulateGram(h, x, decay, alpha);
    }

    @Override
    public boolean inverseCholeskyUpper(FloatMatrix h) {
        return compression.inverseCholeskyUpper(h);
    }

    @Override
    public byte[] obsBlockMask(FloatMatrix w, FloatMatrix hinv, int i1, int i2, double sparsity) {
        return compression.obsBlockMask(w, hinv, i1, i2, sparsity);
    }

    @Override
    public void obsBlock(ObsBlock block) {
        compression.obsBlock(block);
    }

    @Override
    public void obsLazyUpdate(FloatMatrix w, FloatMatrix err, FloatMatrix hinv, int i1, int i2) {
        compression.obsLazyUpdate(w, err, hinv, i1, i2);
    }

    private void forElementBlocks(long size, LongBlock body) {
        // Blocks start at multiples of 64 floats (a cache line and every vector width), so only the last has a tail.
        long perTask = roundUp(Math.max(MIN_ELEMENTS_PER_TASK, ceilDiv(size, 4L * threads)), 64);
        int blocks = (int) Math.max(1, ceilDiv(size, perTask));
        parallelFor(blocks, b -> body.run(b * perTask, Math.min(size, (b + 1) * perTask)));
    }

    private void parallelFor(int tasks, IntConsumer body) {
        if (pool == null || tasks <= 1) {
            for (int t = 0; t < tasks; t++) body.accept(t);
        } else {
            try {
                pool.invoke(new Range(body, 0, tasks));
            } catch (WrongThreadException e) {
                throw new IllegalStateException("CpuBackend runs ops on " + threads + " worker threads, so matrices must live in a shared"
                        + " arena (Arena.ofShared(), Arena.global(), a file mapped with a shared arena), not a confined one", e);
            }
        }
    }

    /** Tasks [lo, hi), split in halves so idle workers steal large ranges first. */
    private static final class Range extends RecursiveAction {
        private final IntConsumer body;
        private final int lo, hi;

        Range(IntConsumer body, int lo, int hi) {
            this.body = body;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected void compute() {
            if (hi - lo == 1) {
                body.accept(lo);
            } else {
                int mid = (lo + hi) >>> 1;
                invokeAll(new Range(body, lo, mid), new Range(body, mid, hi));
            }
        }
    }

    private static void requireSameShape(String op, FloatMatrix a, FloatMatrix b) {
        if (a.rows() != b.rows() || a.cols() != b.cols())
            throw new IllegalArgumentException(op + ": shapes " + shape(a) + " and " + shape(b) + " differ");
    }

    private static String shape(FloatMatrix m) {
        return m.rows() + "x" + m.cols();
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static int roundUp(int a, int multiple) {
        return ceilDiv(a, multiple) * multiple;
    }

    private static long roundUp(long a, long multiple) {
        return ceilDiv(a, multiple) * multiple;
    }
}
