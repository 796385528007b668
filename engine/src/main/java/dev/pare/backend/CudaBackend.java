package dev.pare.backend;

import dev.pare.PareException;
import dev.pare.backend.cuda.CudaDevice;
import dev.pare.backend.cuda.DeviceBuffer;
import dev.pare.backend.cuda.DeviceMatrices;
import dev.pare.backend.cuda.GpuMath;
import dev.pare.backend.cuda.GpuOutOfMemoryException;
import dev.pare.bindings.CudaCheck;
import dev.pare.bindings.cuda_runtime_api_h;
import dev.pare.bindings.CudaLibrary;
import dev.pare.bindings.cublas_api_h;
import dev.pare.bindings.cusolverDn_h;
import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Supplier;

import static dev.pare.bindings.cublas_api_h.CUBLAS_OP_N;
import static dev.pare.bindings.cublas_api_h.CUBLAS_OP_T;

/**
 * The CUDA backend: matrix products through cuBLAS, the Cholesky factor through cuSOLVER, everything else through
 * Pare's own kernels (native module, compiled by NVRTC for the GPU in hand). F32 throughout, to CpuBackend's results
 * within rounding; {@link GpuMath} may trade the forward pass's products for speed.
 * <p>
 * Data: {@link FloatMatrix} is host memory. Outside a {@link Residency.Lease} an op copies its operands to the device
 * and its results back (pinned staging), so every caller gets correct results; the compression loops (Hessian
 * accumulation, the OBS sweep) open leases so that H, W and H⁻¹ stay on the device across their hundreds of ops.
 * When the GPU runs out of memory for an op that touches no leased matrix, the op runs on the CPU instead (said once on
 * stderr); otherwise {@link GpuOutOfMemoryException} says how much was asked and what was free.
 * <p>
 * Ops are serialised (one stream, one context); call from any thread.
 */
public final class CudaBackend implements Backend, Residency {
    private static final String OBS = "obs.cu", FORWARD = "forward.cu", LINALG = "linalg.cu";
    /** Columns of the fused sweep kernel: 4 per lane of a warp. */
    static final int SWEEP_COLUMNS = 128;
    /** Largest attention score scratch (heads × queries × keys floats) before queries are split into chunks. */
    private static final long ATTENTION_SCRATCH_BYTES = 1L << 30;

    private final CudaDevice device;
    private final DeviceMatrices matrices;
    private final GpuMath math;
    private final boolean hasTrtri;
    /** Host scalars for cuBLAS (pointer mode host): read during the call, so one slot per argument suffices. */
    private final Arena scalars = Arena.ofShared();
    private final MemorySegment alphaSlot = scalars.allocate(ValueLayout.JAVA_FLOAT), betaSlot = scalars.allocate(ValueLayout.JAVA_FLOAT);
    private Backend cpu;
    private boolean warnedFallback;

    /** Device 0, FP32 products. */
    public CudaBackend() {
        this(0, GpuMath.FP32);
    }

    public CudaBackend(int ordinal, GpuMath math) {
        this.device = new CudaDevice(ordinal);
        this.matrices = new DeviceMatrices(device);
        this.math = math;
        this.hasTrtri = CudaLibrary.CUSOLVER.has("cusolverDnXtrtri");
    }

    @Override
    public String name() {
        return "cuda (" + device.name() + ", " + math.name().toLowerCase() + " forward products)";
    }

    /** The device, for benchmarks (timing, memory peaks). */
    public CudaDevice device() {
        return device;
    }

    /** Compiles and loads every kernel now (NVRTC takes a second or so the first time on a machine). */
    public synchronized void warmUp() {
        device.bind();
        device.warmUp(OBS, FORWARD, LINALG);
    }

    @Override
    public synchronized Lease lease() {
        return new SynchronizedLease(matrices.lease());
    }

    /** Leases act on the device like ops do: under the backend's lock, with the context bound. */
    private final class SynchronizedLease implements Lease {
        private final Lease lease;

        SynchronizedLease(Lease lease) {
            this.lease = lease;
        }

        @Override
        public Lease keep(FloatMatrix m) {
            synchronized (CudaBackend.this) {
                lease.keep(m);
            }
            return this;
        }

        @Override
        public Lease keepTransient(FloatMatrix m) {
            synchronized (CudaBackend.this) {
                lease.keepTransient(m);
            }
            return this;
        }

        @Override
        public void toHost(FloatMatrix m, int c0, int c1) {
            synchronized (CudaBackend.this) {
                device.bind();
                lease.toHost(m, c0, c1);
            }
        }

        @Override
        public void close() {
            synchronized (CudaBackend.this) {
                device.bind();
                lease.close();
            }
        }
    }

    @Override
    public synchronized void close() {
        if (cpu != null) cpu.close();
        device.close();
        scalars.close();
    }

    // ---- running an op --------------------------------------------------------------------------------------------

    private interface GpuOp<T> {
        T run(DeviceMatrices.Operands o);
    }

    /**
     * Runs op on the GPU with its operands resolved; if the GPU is out of memory and no leased matrix is involved, runs
     * {@code onCpu} instead.
     */
    private synchronized <T> T run(String op, GpuOp<T> gpu, Supplier<T> onCpu) {
        device.bind();
        boolean kept;
        try (DeviceMatrices.Operands o = matrices.operands()) {
            try {
                T result = gpu.run(o);
                o.finish();
                return result;
            } catch (GpuOutOfMemoryException e) {
                kept = o.touchedKept();
                if (kept || onCpu == null) throw e;
                if (!warnedFallback) {
                    warnedFallback = true;
                    System.err.println("pare: " + op + " runs on the CPU: " + e.getMessage());
                }
            }
        }
        device.memory().trim();
        return onCpu.get();
    }

    private void run(String op, java.util.function.Consumer<DeviceMatrices.Operands> gpu, Runnable onCpu) {
        run(op, o -> {
            gpu.accept(o);
            return null;
        }, () -> {
            onCpu.run();
            return null;
        });
    }

    private synchronized Backend cpu() {
        if (cpu == null) cpu = new CpuBackend();
        return cpu;
    }

    private MemorySegment alpha(float v) {
        alphaSlot.set(ValueLayout.JAVA_FLOAT, 0, v);
        return alphaSlot;
    }

    private MemorySegment beta(float v) {
        betaSlot.set(ValueLayout.JAVA_FLOAT, 0, v);
        return betaSlot;
    }

    private static MemorySegment ptr(long address) {
        return MemorySegment.ofAddress(address);
    }

    /**
     * Column-major C = alpha·op(A)·op(B) + beta·C, batched with strides (batch 1: plain GEMM). {@code forward}: the
     * forward pass's products, in the configured {@link GpuMath}; otherwise strict FP32.
     */
    private void gemm(boolean forward, int transA, int transB, int m, int n, int k, float alpha, long a, int lda, long strideA,
                      long b, int ldb, long strideB, float beta, long c, int ldc, long strideC, int batch) {
        if (!forward || math == GpuMath.FP32) {
            if (batch == 1) {
                CudaCheck.cublas("cublasSgemm_v2(" + m + "x" + n + "x" + k + ")", cublas_api_h.cublasSgemm_v2(device.cublas(), transA, transB, m, n, k,
                        alpha(alpha), ptr(a), lda, ptr(b), ldb, beta(beta), ptr(c), ldc));
            } else {
                CudaCheck.cublas("cublasSgemmStridedBatched(" + batch + " × " + m + "x" + n + "x" + k + ")", cublas_api_h.cublasSgemmStridedBatched(device.cublas(),
                        transA, transB, m, n, k, alpha(alpha), ptr(a), lda, strideA, ptr(b), ldb, strideB, beta(beta), ptr(c), ldc, strideC, batch));
            }
            return;
        }
        int f32 = cublas_api_h.CUDA_R_32F();
        CudaCheck.cublas("cublasGemmStridedBatchedEx(" + math + ", " + batch + " × " + m + "x" + n + "x" + k + ")",
                cublas_api_h.cublasGemmStridedBatchedEx(device.cublas(), transA, transB, m, n, k, alpha(alpha), ptr(a), f32, lda, strideA,
                        ptr(b), f32, ldb, strideB, beta(beta), ptr(c), f32, ldc, strideC, batch, math.cublasComputeType(), cublas_api_h.CUBLAS_GEMM_DEFAULT()));
    }

    private void elementwise(String kernel, long n, Object... args) {
        device.launch(FORWARD, kernel, device.gridFor(n), 1, 256, 1, 0, args);
    }

    private static int rowThreads(int cols) {
        return Math.max(32, Math.min(1024, Integer.highestOneBit(Math.max(1, cols - 1)) << 1));
    }

    // ---- forward pass ---------------------------------------------------------------------------------------------

    @Override
    public void linear(FloatMatrix x, FloatMatrix w, FloatMatrix bias, FloatMatrix out) {
        int n = x.rows(), k = x.cols(), m = w.rows();
        if (w.cols() != k) throw new IllegalArgumentException("linear: x is " + shape(x) + " but w is " + shape(w) + " (in features differ)");
        if (out.rows() != n || out.cols() != m)
            throw new IllegalArgumentException("linear: out is " + shape(out) + " but x·wᵀ is " + n + "x" + m);
        if (bias != null && bias.size() != m) throw new IllegalArgumentException("linear: bias is " + shape(bias) + " for " + m + " outputs");
        if (n == 0 || m == 0) return;
        run("linear", o -> {
            long xd = o.in(x), wd = o.in(w), bd = bias == null ? 0 : o.in(bias), od = o.out(out);
            if (k == 0) {
                device.memset(od, out.size() * Float.BYTES);
            } else {
                // Row-major out[n×m] = x·wᵀ is column-major outᵀ[m×n] = w(k×m, col-major)ᵀ · xᵀ(k×n).
                gemm(true, CUBLAS_OP_T(), CUBLAS_OP_N(), m, n, k, 1f, wd, k, 0, xd, k, 0, 0f, od, m, 0, 1);
            }
            if (bias != null) elementwise("add_bias", out.size(), od, bd, n, m);
        }, () -> cpu().linear(x, w, bias, out));
    }

    @Override
    public void rmsNorm(FloatMatrix x, FloatMatrix weight, float eps, FloatMatrix out) {
        requireSameShape("rmsNorm", x, out);
        if (weight.size() != x.cols()) throw new IllegalArgumentException("rmsNorm: weight is " + shape(weight) + " for rows of " + x.cols());
        if (x.size() == 0) return;
        run("rmsNorm", o -> {
            long xd = o.in(x), wd = o.in(weight), od = o.out(out);
            device.launch(FORWARD, "rms_norm", x.rows(), 1, rowThreads(x.cols()), 1, 0, xd, wd, eps, od, x.cols());
        }, () -> cpu().rmsNorm(x, weight, eps, out));
    }

    @Override
    public void layerNorm(FloatMatrix x, FloatMatrix weight, FloatMatrix bias, float eps, FloatMatrix out) {
        requireSameShape("layerNorm", x, out);
        if (weight.size() != x.cols() || bias.size() != x.cols())
            throw new IllegalArgumentException("layerNorm: weight " + shape(weight) + " and bias " + shape(bias) + " for rows of " + x.cols());
        if (x.size() == 0) return;
        run("layerNorm", o -> {
            long xd = o.in(x), wd = o.in(weight), bd = o.in(bias), od = o.out(out);
            device.launch(FORWARD, "layer_norm", x.rows(), 1, rowThreads(x.cols()), 1, 0, xd, wd, bd, eps, od, x.cols());
        }, () -> cpu().layerNorm(x, weight, bias, eps, out));
    }

    @Override
    public void rope(FloatMatrix x, int heads, int headDim, int pos0, double theta) {
        if (headDim <= 0 || headDim % 2 != 0) throw new IllegalArgumentException("rope: head dimension " + headDim + " is not a positive even number");
        if ((long) heads * headDim != x.cols())
            throw new IllegalArgumentException("rope: x is " + shape(x) + " but " + heads + " heads × " + headDim + " = " + (long) heads * headDim);
        if (x.rows() == 0) return;
        // θ^(−2i/d) on the host, in double, exactly as CpuBackend: the kernel only multiplies by the position.
        double[] invFreq = new double[headDim / 2];
        for (int i = 0; i < invFreq.length; i++) invFreq[i] = Math.pow(theta, -2.0 * i / headDim);
        run("rope", o -> {
            long xd = o.inOut(x);
            try (Arena arena = Arena.ofConfined()) {
                long fd = o.bytes(arena.allocateFrom(ValueLayout.JAVA_DOUBLE, invFreq), "rope frequencies");
                device.launch(FORWARD, "rope_rotate_half", x.rows(), 1, 128, 1, headDim * Float.BYTES, xd, x.cols(), heads, headDim, pos0, fd);
            }
        }, () -> cpu().rope(x, heads, headDim, pos0, theta));
    }

    @Override
    public void attention(FloatMatrix q, FloatMatrix k, FloatMatrix v, AttentionSpec spec, FloatMatrix out) {
        int t = q.rows(), keys = spec.pos0() + t, d = spec.headDim(), heads = spec.heads(), kvHeads = spec.kvHeads();
        long qCols = (long) heads * d, kvCols = (long) kvHeads * d;
        if (q.cols() != qCols) throw new IllegalArgumentException("attention: q is " + shape(q) + " but " + heads + " heads × " + d + " = " + qCols);
        if (k.rows() != keys || k.cols() != kvCols || v.rows() != keys || v.cols() != kvCols)
            throw new IllegalArgumentException("attention: k is " + shape(k) + " and v is " + shape(v) + " but pos0 + T = " + keys
                    + " positions of " + kvHeads + " heads × " + d + " were expected");
        requireSameShape("attention", q, out);
        if (spec.pos0() < 0) throw new IllegalArgumentException("attention: negative pos0 " + spec.pos0());
        if (t == 0) return;
        int group = heads / kvHeads;
        run("attention", o -> {
            long qd = o.in(q), kd = o.in(k), vd = o.in(v), od = o.out(out);
            long slopes = 0;
            if (spec.alibiSlopes() != null) {
                try (Arena arena = Arena.ofConfined()) {
                    slopes = o.bytes(arena.allocateFrom(ValueLayout.JAVA_FLOAT, spec.alibiSlopes()), "ALiBi slopes");
                }
            }
            // Query rows per pass, so that the scores of kvHeads heads fit the scratch.
            long perRow = (long) kvHeads * keys * Float.BYTES;
            int chunk = (int) Math.max(1, Math.min(t, ATTENTION_SCRATCH_BYTES / perRow));
            DeviceBuffer s = o.scratch(perRow * chunk, "attention scores (" + kvHeads + " heads × " + chunk + " queries × " + keys + " keys)");
            for (int t0 = 0; t0 < t; t0 += chunk) {
                int rows = Math.min(chunk, t - t0);
                for (int g = 0; g < group; g++) {
                    // Query heads b·group + g for every key/value head b, as one batch over b.
                    long qb = qd + ((long) t0 * qCols + (long) g * d) * Float.BYTES;
                    long ob = od + ((long) t0 * qCols + (long) g * d) * Float.BYTES;
                    // Scores: row-major S_b[rows × keys] = scale · Q_b · K_bᵀ, i.e. column-major S_bᵀ = K_b · Q_bᵀ.
                    gemm(true, CUBLAS_OP_T(), CUBLAS_OP_N(), keys, rows, d, spec.scale(), kd, (int) kvCols, d,
                            qb, (int) qCols, (long) group * d, 0f, s.address(), keys, (long) rows * keys, kvHeads);
                    device.launch(FORWARD, "causal_softmax", rows, kvHeads, 256, 1, 0, s.address(), rows, keys, spec.pos0() + t0,
                            spec.slidingWindow(), slopes, g, group);
                    // Out_b[rows × d] = P_b · V_b, i.e. column-major Out_bᵀ = V_bᵀ · P_bᵀ.
                    gemm(true, CUBLAS_OP_N(), CUBLAS_OP_N(), d, rows, keys, 1f, vd, (int) kvCols, d,
                            s.address(), keys, (long) rows * keys, 0f, ob, (int) qCols, (long) group * d, kvHeads);
                }
            }
        }, () -> cpu().attention(q, k, v, spec, out));
    }

    @Override
    public void activate(Activation act, FloatMatrix x) {
        if (x.size() == 0) return;
        run("activate", o -> {
            long xd = o.inOut(x);
            elementwise("activate", x.size(), xd, x.size(), act.ordinal());
        }, () -> cpu().activate(act, x));
    }

    @Override
    public void multiply(FloatMatrix a, FloatMatrix b) {
        requireSameShape("multiply", a, b);
        if (a.size() == 0) return;
        run("multiply", o -> {
            long bd = o.in(b), ad = o.inOut(a);
            elementwise("multiply", a.size(), ad, bd, a.size());
        }, () -> cpu().multiply(a, b));
    }

    @Override
    public void add(FloatMatrix a, FloatMatrix b) {
        requireSameShape("add", a, b);
        if (a.size() == 0) return;
        run("add", o -> {
            long bd = o.in(b), ad = o.inOut(a);
            elementwise("add", a.size(), ad, bd, a.size());
        }, () -> cpu().add(a, b));
    }

    @Override
    public void copyColumns(FloatMatrix src, int srcCol, FloatMatrix dst, int dstCol, int width) {
        Backend.checkCopyColumns(src, srcCol, dst, dstCol, width);
        if (width == 0 || src.rows() == 0) return;
        boolean whole = dstCol == 0 && width == dst.cols();
        run("copyColumns", o -> {
            long sd = o.in(src), dd = whole ? o.out(dst) : o.inOut(dst);
            CudaCheck.cuda("cudaMemcpy2DAsync(device to device, " + src.rows() + " rows of " + width + " floats)",
                    cuda_runtime_api_h.cudaMemcpy2DAsync(ptr(dd + (long) dstCol * Float.BYTES), (long) dst.cols() * Float.BYTES,
                            ptr(sd + (long) srcCol * Float.BYTES), (long) src.cols() * Float.BYTES, (long) width * Float.BYTES, src.rows(),
                            cuda_runtime_api_h.cudaMemcpyDeviceToDevice(), device.stream()));
        }, () -> cpu().copyColumns(src, srcCol, dst, dstCol, width));
    }

    @Override
    public double[] crossEntropy(FloatMatrix logits, int[] targets) {
        if (targets.length != logits.rows())
            throw new IllegalArgumentException("crossEntropy: " + targets.length + " targets for " + logits.rows() + " rows of logits");
        for (int t = 0; t < targets.length; t++)
            if (targets[t] < 0 || targets[t] >= logits.cols())
                throw new IllegalArgumentException("crossEntropy: target " + targets[t] + " at row " + t + " is outside the vocabulary of " + logits.cols());
        if (targets.length == 0) return new double[0];
        return run("crossEntropy", o -> {
            long ld = o.in(logits);
            try (Arena arena = Arena.ofConfined()) {
                long td = o.bytes(arena.allocateFrom(ValueLayout.JAVA_INT, targets), "targets");
                DeviceBuffer nll = o.scratch((long) targets.length * Double.BYTES, "cross-entropy");
                device.launch(FORWARD, "cross_entropy", targets.length, 1, rowThreads(logits.cols()), 1, 0, ld, logits.cols(), td, nll);
                MemorySegment host = arena.allocate(ValueLayout.JAVA_DOUBLE, targets.length);
                device.download(nll.address(), host, host.byteSize());
                return host.toArray(ValueLayout.JAVA_DOUBLE);
            }
        }, () -> cpu().crossEntropy(logits, targets));
    }

    // ---- compression ----------------------------------------------------------------------------------------------

    @Override
    public void pruneBelowGlobalThreshold(FloatMatrix w, float[] scale, double sparsity) {
        Backend.checkPruning("pruneBelowGlobalThreshold", w, scale, sparsity);
        long n = w.size();
        int k = (int) (n * sparsity);
        if (n == 0 || sparsity == 0) return;
        run("pruneBelowGlobalThreshold", o -> {
            long wd = o.inOut(w), sd = scale == null ? 0 : columnScales(o, scale);
            DeviceBuffer s = o.scratch(n * Float.BYTES, "pruning scores");
            long grid = device.gridFor(n);
            device.launch(OBS, "prune_scores", grid, 1, 256, 1, 0, wd, w.rows(), w.cols(), sd, scale == null ? 0 : 1, s);
            DeviceBuffer state = selectKth(o, s, n, k);
            device.launch(OBS, "prune_at_or_below", grid, 1, 256, 1, 0, wd, s, n, state);
        }, () -> cpu().pruneBelowGlobalThreshold(w, scale, sparsity));
    }

    @Override
    public void prunePerRow(FloatMatrix w, float[] scale, double sparsity) {
        Backend.checkPruning("prunePerRow", w, scale, sparsity);
        int k = (int) (w.cols() * sparsity);
        if (k == 0 || w.rows() == 0) return;
        run("prunePerRow", o -> {
            long wd = o.inOut(w), sd = scale == null ? 0 : columnScales(o, scale);
            device.launch(OBS, "prune_row_smallest", w.rows(), 1, 256, 1, 0, wd, w.cols(), sd, scale == null ? 0 : 1, k);
        }, () -> cpu().prunePerRow(w, scale, sparsity));
    }

    @Override
    public void pruneNofM(FloatMatrix w, float[] scale, int n, int m) {
        Backend.checkPruning("pruneNofM", w, scale, 0);
        if (m > 64) { // the kernel keeps a group's choices in one 64-bit word
            cpu().pruneNofM(w, scale, n, m);
            return;
        }
        long groups = (long) w.rows() * (w.cols() / m);
        if (groups == 0) return;
        run("pruneNofM", o -> {
            long wd = o.inOut(w), sd = scale == null ? 0 : columnScales(o, scale);
            device.launch(OBS, "prune_n_of_m", device.gridFor(groups), 1, 256, 1, 0, wd, w.rows(), w.cols(), sd, scale == null ? 0 : 1, n, m);
        }, () -> cpu().pruneNofM(w, scale, n, m));
    }

    private static long columnScales(DeviceMatrices.Operands o, float[] scale) {
        try (Arena arena = Arena.ofConfined()) {
            return o.bytes(arena.allocateFrom(ValueLayout.JAVA_FLOAT, scale), "column scales");
        }
    }

    /** The k-th smallest (0-based) of n non-negative scores, exactly: its bits end up in state[0] (radix select, 4 passes). */
    private DeviceBuffer selectKth(DeviceMatrices.Operands o, DeviceBuffer scores, long n, int k) {
        DeviceBuffer state = o.scratch(4 * Integer.BYTES, "radix state");
        DeviceBuffer hist = o.scratch(256 * Integer.BYTES, "radix histogram");
        long grid = device.gridFor(n);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment init = arena.allocate(ValueLayout.JAVA_INT, 4);
            init.setAtIndex(ValueLayout.JAVA_INT, 2, k);
            device.upload(init, state.address(), init.byteSize());
        }
        device.memset(hist.address(), hist.bytes());
        for (int shift = 24; shift >= 0; shift -= 8) {
            device.launch(OBS, "radix_histogram", grid, 1, 256, 1, 0, scores, n, state, hist, shift);
            device.launch(OBS, "radix_pick", 1, 1, 256, 1, 0, state, hist, shift);
        }
        return state;
    }

    @Override
    public void rowRanges(FloatMatrix w, int c0, int c1, float[] min, float[] max) {
        Backend.checkRowRanges(w, c0, c1, min, max);
        int rows = w.rows();
        if (rows == 0) return;
        run("rowRanges", o -> {
            long wd = o.in(w);
            DeviceBuffer lo = o.scratch((long) rows * Float.BYTES, "row minima"), hi = o.scratch((long) rows * Float.BYTES, "row maxima");
            device.launch(FORWARD, "row_ranges", rows, 1, rowThreads(c1 - c0), 1, 0, wd, w.cols(), c0, c1, lo, hi);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment host = arena.allocate(ValueLayout.JAVA_FLOAT, rows);
                device.download(lo.address(), host, host.byteSize());
                MemorySegment.copy(host, ValueLayout.JAVA_FLOAT, 0, min, 0, rows);
                device.download(hi.address(), host, host.byteSize());
                MemorySegment.copy(host, ValueLayout.JAVA_FLOAT, 0, max, 0, rows);
            }
        }, () -> cpu().rowRanges(w, c0, c1, min, max));
    }

    @Override
    public double quadraticForm(FloatMatrix a, FloatMatrix h) {
        int rows = a.rows(), n = a.cols();
        if (h.rows() != n || h.cols() != n)
            throw new IllegalArgumentException("quadraticForm: A is " + rows + "x" + n + " but H is " + h.rows() + "x" + h.cols());
        if (rows == 0 || n == 0) return 0;
        return run("quadraticForm", o -> {
            long ad = o.in(a), hd = o.in(h);
            DeviceBuffer ah = o.scratch(a.size() * Float.BYTES, "A·H"), dots = o.scratch((long) rows * Double.BYTES, "row dots");
            // Row-major A·H is column-major (A·H)ᵀ = H·Aᵀ (H symmetric): m = n, n = rows, k = n. Strict FP32.
            gemm(false, CUBLAS_OP_N(), CUBLAS_OP_N(), n, rows, n, 1f, hd, n, 0, ad, n, 0, 0f, ah.address(), n, 0, 1);
            device.launch(FORWARD, "row_dots", rows, 1, rowThreads(n), 1, 0, ad, ah, n, dots);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment host = arena.allocate(ValueLayout.JAVA_DOUBLE, rows);
                device.download(dots.address(), host, host.byteSize());
                double sum = 0;
                for (int r = 0; r < rows; r++) sum += host.getAtIndex(ValueLayout.JAVA_DOUBLE, r);
                return sum;
            }
        }, () -> cpu().quadraticForm(a, h));
    }

    @Override
    public void accumulateGram(FloatMatrix h, FloatMatrix x, float decay, float alpha) {
        int n = x.cols(), tokens = x.rows();
        if (h.rows() != n || h.cols() != n) throw new IllegalArgumentException("H is " + h.rows() + "x" + h.cols() + " for inputs of width " + n);
        run("accumulateGram", o -> {
            long xd = o.in(x), hd = o.inOut(h);
            if (tokens > 0) {
                // x row-major [tokens × n] is column-major Xᵀ [n × tokens]; SYRK's lower column-major triangle of
                // decay·H + alpha·XᵀX is the row-major upper one, mirrored below afterwards.
                CudaCheck.cublas("cublasSsyrk_v2(n=" + n + ", k=" + tokens + ")", cublas_api_h.cublasSsyrk_v2(device.cublas(),
                        cublas_api_h.CUBLAS_FILL_MODE_LOWER(), CUBLAS_OP_N(), n, tokens, alpha(alpha), ptr(xd), n, beta(decay), ptr(hd), n));
            } else {
                CudaCheck.cublas("cublasSgeam (scale H)", cublas_api_h.cublasSgeam(device.cublas(), CUBLAS_OP_N(), CUBLAS_OP_N(), n, n,
                        alpha(decay), ptr(hd), n, beta(0f), ptr(hd), n, ptr(hd), n));
            }
            mirrorUpperToLower(hd, n);
        }, () -> cpu().accumulateGram(h, x, decay, alpha));
    }

    private void mirrorUpperToLower(long a, int n) {
        int tiles = (n + 31) / 32;
        device.launch(LINALG, "mirror_upper_to_lower", tiles, tiles, 32, 8, 0, a, n);
    }

    /**
     * With J the reversal permutation: JHJ = MMᵀ (lower Cholesky, cuSOLVER potrf) gives H = RRᵀ with R = JMJ upper, so
     * H⁻¹ = (R⁻¹)ᵀR⁻¹ and U = R⁻¹ = J·M⁻¹·J: one factorisation and one triangular inverse, as CpuBackend.
     */
    @Override
    public boolean inverseCholeskyUpper(FloatMatrix h) {
        int n = h.rows();
        if (h.cols() != n) throw new IllegalArgumentException("inverseCholeskyUpper: H is " + shape(h));
        if (n == 0) return true;
        return run("inverseCholeskyUpper", o -> {
            long hd = o.inOut(h);
            long bytes = (long) n * n * Float.BYTES;
            DeviceBuffer g = o.scratch(bytes, "Cholesky work matrix (" + n + "x" + n + ")");
            DeviceBuffer info = o.scratch(Integer.BYTES, "cuSOLVER info");
            device.launch(LINALG, "reverse_elements", device.gridFor((long) n * n), 1, 256, 1, 0, hd, g, (long) n * n);
            int lower = cublas_api_h.CUBLAS_FILL_MODE_LOWER();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment lwork = arena.allocate(ValueLayout.JAVA_INT);
                CudaCheck.cusolver("cusolverDnSpotrf_bufferSize(n=" + n + ")", cusolverDn_h.cusolverDnSpotrf_bufferSize(device.cusolver(), lower, n, g.pointer(), n, lwork));
                DeviceBuffer work = o.scratch((long) Math.max(1, lwork.get(ValueLayout.JAVA_INT, 0)) * Float.BYTES, "potrf workspace");
                CudaCheck.cusolver("cusolverDnSpotrf(n=" + n + ")", cusolverDn_h.cusolverDnSpotrf(device.cusolver(), lower, n, g.pointer(), n,
                        work.pointer(), lwork.get(ValueLayout.JAVA_INT, 0), info.pointer()));
                if (readInt(info, arena) != 0) return false;
                if (hasTrtri) {
                    MemorySegment dSize = arena.allocate(ValueLayout.JAVA_LONG), hSize = arena.allocate(ValueLayout.JAVA_LONG);
                    int nonUnit = cublas_api_h.CUBLAS_DIAG_NON_UNIT(), f32 = cublas_api_h.CUDA_R_32F();
                    CudaCheck.cusolver("cusolverDnXtrtri_bufferSize(n=" + n + ")", cusolverDn_h.cusolverDnXtrtri_bufferSize(device.cusolver(), lower, nonUnit,
                            n, f32, g.pointer(), n, dSize, hSize));
                    DeviceBuffer dWork = o.scratch(Math.max(1, dSize.get(ValueLayout.JAVA_LONG, 0)), "trtri workspace");
                    MemorySegment hWork = arena.allocate(Math.max(1, hSize.get(ValueLayout.JAVA_LONG, 0)), 16);
                    CudaCheck.cusolver("cusolverDnXtrtri(n=" + n + ")", cusolverDn_h.cusolverDnXtrtri(device.cusolver(), lower, nonUnit, n, f32, g.pointer(), n,
                            dWork.pointer(), dWork.bytes(), hWork, hWork.byteSize(), info.pointer()));
                    if (readInt(info, arena) != 0) return false;
                    device.launch(LINALG, "reverse_transpose_upper", (n + 31) / 32, (n + 31) / 32, 32, 8, 0, g, hd, n);
                } else {
                    // No trtri in this cuSOLVER: M⁻¹ by a triangular solve against the identity.
                    DeviceBuffer inv = o.scratch(bytes, "triangular inverse (" + n + "x" + n + ")");
                    device.launch(LINALG, "set_identity", device.gridFor((long) n * n), 1, 256, 1, 0, inv, n);
                    CudaCheck.cublas("cublasStrsm_v2(n=" + n + ")", cublas_api_h.cublasStrsm_v2(device.cublas(), cublas_api_h.CUBLAS_SIDE_LEFT(), lower,
                            CUBLAS_OP_N(), cublas_api_h.CUBLAS_DIAG_NON_UNIT(), n, n, alpha(1f), g.pointer(), n, inv.pointer(), n));
                    device.launch(LINALG, "reverse_transpose_upper", (n + 31) / 32, (n + 31) / 32, 32, 8, 0, inv, hd, n);
                }
            }
            return true;
        }, () -> cpu().inverseCholeskyUpper(h));
    }

    private int readInt(DeviceBuffer b, Arena arena) {
        MemorySegment host = arena.allocate(ValueLayout.JAVA_INT);
        device.download(b.address(), host, Integer.BYTES);
        return host.get(ValueLayout.JAVA_INT, 0);
    }

    @Override
    public byte[] obsBlockMask(FloatMatrix w, FloatMatrix hinv, int i1, int i2, double sparsity) {
        int rows = w.rows(), count = i2 - i1;
        long n = (long) rows * count;
        int k = (int) (n * sparsity);
        if (k >= n || k < 0) throw new IllegalArgumentException("obsBlockMask: sparsity " + sparsity + " of " + n + " weights");
        return run("obsBlockMask", o -> {
            long wd = o.in(w), hd = o.in(hinv);
            DeviceBuffer s = o.scratch(n * Float.BYTES, "saliency");
            DeviceBuffer mask = o.scratch(n, "mask");
            long grid = device.gridFor(n);
            device.launch(OBS, "obs_saliency", grid, 1, 256, 1, 0, wd, (long) w.cols(), rows, hd, (long) hinv.cols(), i1, count, s);
            // The ⌊n·sparsity⌋-th smallest saliency (0-based), exactly.
            DeviceBuffer state = selectKth(o, s, n, k);
            try (Arena arena = Arena.ofConfined()) {
                device.launch(OBS, "obs_threshold_mask", grid, 1, 256, 1, 0, s, n, state, mask);
                MemorySegment host = arena.allocate(n);
                device.download(mask.address(), host, n);
                return host.toArray(ValueLayout.JAVA_BYTE);
            }
        }, () -> cpu().obsBlockMask(w, hinv, i1, i2, sparsity));
    }

    @Override
    public void obsBlock(ObsBlock b) {
        int rows = b.w().rows(), count = b.count(), cols = b.w().cols(), n = b.hinv().cols();
        if (count > SWEEP_COLUMNS && b.prunen() != 0 && SWEEP_COLUMNS % b.prunem() != 0)
            throw new PareException("CUDA backend: blocks wider than " + SWEEP_COLUMNS + " columns need an N:M pattern whose M divides "
                    + SWEEP_COLUMNS + " (got " + b.prunen() + ":" + b.prunem() + " with blocks of " + count + ")");
        run("obsBlock", o -> {
            long wd = o.inOut(b.w()), hd = o.in(b.hinv()), ed = o.out(b.err());
            long sd = b.scale() == null ? 0 : o.in(b.scale()), zd = b.zero() == null ? 0 : o.in(b.zero());
            long md = 0;
            DeviceBuffer losses = o.scratch((long) rows * Double.BYTES, "losses");
            device.memset(losses.address(), losses.bytes());
            try (Arena arena = Arena.ofConfined()) {
                if (b.mask() != null) md = o.bytes(arena.allocateFrom(ValueLayout.JAVA_BYTE, b.mask()), "mask");
                int warps = 8;
                long grid = Math.max(1, Math.min((rows + warps - 1) / warps, 4L * device.multiprocessors()));
                for (int a = 0; a < count; a += SWEEP_COLUMNS) {
                    int c = Math.min(SWEEP_COLUMNS, count - a);
                    int shared = c * (c + 1) / 2 * Float.BYTES;
                    long f = (long) a * Float.BYTES;
                    device.launch(OBS, "obs_block_sweep", grid, 1, 32 * warps, 1, shared, wd, (long) cols, rows, hd, (long) n, b.i1() + a, c,
                            md == 0 ? 0L : md + a, b.prunen(), b.prunem(), sd == 0 ? 0L : sd + f, zd == 0 ? 0L : zd + f, (float) b.maxq(),
                            ed + f, (long) count, losses);
                    int rest = count - a - c;
                    if (rest > 0) {
                        // The rest of a block wider than the kernel takes the errors as the lazy update would.
                        int from = b.i1() + a + c;
                        gemm(false, CUBLAS_OP_N(), CUBLAS_OP_N(), rest, rows, c, -1f, hd + ((long) (b.i1() + a) * n + from) * Float.BYTES, n, 0,
                                ed + f, count, 0, 1f, wd + (long) from * Float.BYTES, cols, 0, 1);
                    }
                }
                MemorySegment host = arena.allocate(ValueLayout.JAVA_DOUBLE, rows);
                device.download(losses.address(), host, host.byteSize());
                double[] l = b.losses();
                for (int r = 0; r < rows; r++) l[r] += host.getAtIndex(ValueLayout.JAVA_DOUBLE, r);
            }
        }, () -> cpu().obsBlock(b));
    }

    @Override
    public void obsLazyUpdate(FloatMatrix w, FloatMatrix err, FloatMatrix hinv, int i1, int i2) {
        int rows = w.rows(), cols = w.cols(), rest = cols - i2, count = i2 - i1, n = hinv.cols();
        if (rest <= 0) return;
        run("obsLazyUpdate", o -> {
            long ed = o.in(err), hd = o.in(hinv), wd = o.inOut(w);
            // Row-major W[:, i2:] −= Err · Hinv[i1:i2, i2:], i.e. column-major W(i2:)ᵀ −= Hinv(i1:i2, i2:)ᵀ · Errᵀ.
            gemm(false, CUBLAS_OP_N(), CUBLAS_OP_N(), rest, rows, count, -1f, hd + ((long) i1 * n + i2) * Float.BYTES, n, 0,
                    ed, err.cols(), 0, 1f, wd + (long) i2 * Float.BYTES, cols, 0, 1);
        }, () -> cpu().obsLazyUpdate(w, err, hinv, i1, i2));
    }

    private static void requireSameShape(String op, FloatMatrix a, FloatMatrix b) {
        if (a.rows() != b.rows() || a.cols() != b.cols())
            throw new IllegalArgumentException(op + ": shapes " + shape(a) + " and " + shape(b) + " differ");
    }

    private static String shape(FloatMatrix m) {
        return m.rows() + "x" + m.cols();
    }
}
