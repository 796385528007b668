// The forward pass's element-wise and row-wise kernels (the matrix products go to cuBLAS). Compiled at run time by
// NVRTC; every formula follows engine/src/main/java/dev/pare/backend/ScalarKernels.java, the F32 reference: the same
// float rounding steps, sums in double where the reference sums in double.

#define FULL_MASK 0xffffffffu
#define NEG_INF __int_as_float(0xff800000)

__device__ __forceinline__ double warp_sum_d(double v) {
#pragma unroll
    for (int off = 16; off > 0; off >>= 1) v += __shfl_down_sync(FULL_MASK, v, off);
    return v;
}

__device__ __forceinline__ float warp_max_f(float v) {
#pragma unroll
    for (int off = 16; off > 0; off >>= 1) v = fmaxf(v, __shfl_xor_sync(FULL_MASK, v, off));
    return v;
}

// Sum over the thread block (blockDim.x a multiple of 32, at most 1024); every thread gets the total.
__device__ double block_sum_d(double v) {
    __shared__ double partial[32];
    __shared__ double total;
    v = warp_sum_d(v);
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    if (warp == 0) {
        double t = lane < (blockDim.x >> 5) ? partial[lane] : 0.0;
        t = warp_sum_d(t);
        if (lane == 0) total = t;
    }
    __syncthreads();
    double result = total;
    __syncthreads();
    return result;
}

__device__ float block_max_f(float v) {
    __shared__ float partial[32];
    __shared__ float total;
    v = warp_max_f(v);
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    if (warp == 0) {
        float t = lane < (blockDim.x >> 5) ? partial[lane] : NEG_INF;
        t = warp_max_f(t);
        if (lane == 0) total = t;
    }
    __syncthreads();
    float result = total;
    __syncthreads();
    return result;
}

// out = x / √(mean(x²) + eps) · weight, one block per row; out may be x.
extern "C" __global__ void rms_norm(const float* x, const float* __restrict__ weight, float eps, float* out, int cols) {
    const float* xr = x + (long long) blockIdx.x * cols;
    float* orow = out + (long long) blockIdx.x * cols;
    double sum = 0.0;
    for (int i = threadIdx.x; i < cols; i += blockDim.x) {
        double v = xr[i];
        sum += v * v;
    }
    sum = block_sum_d(sum);
    float scale = (float) (1.0 / sqrt(sum / cols + (double) eps));
    for (int i = threadIdx.x; i < cols; i += blockDim.x) orow[i] = xr[i] * scale * weight[i];
}

// out = (x − mean) / √(var + eps) · weight + bias (biased variance), one block per row; out may be x.
extern "C" __global__ void layer_norm(const float* x, const float* __restrict__ weight, const float* __restrict__ bias,
                                      float eps, float* out, int cols) {
    const float* xr = x + (long long) blockIdx.x * cols;
    float* orow = out + (long long) blockIdx.x * cols;
    double sum = 0.0;
    for (int i = threadIdx.x; i < cols; i += blockDim.x) sum += (double) xr[i];
    double mean = block_sum_d(sum) / cols;
    double sq = 0.0;
    for (int i = threadIdx.x; i < cols; i += blockDim.x) {
        double d = (double) xr[i] - mean;
        sq += d * d;
    }
    sq = block_sum_d(sq);
    float rstd = (float) (1.0 / sqrt(sq / cols + (double) eps));
    // The mean as a float pair, as the reference: x − hi − lo keeps the centred value's precision under a large mean.
    float meanHi = (float) mean, meanLo = (float) (mean - (double) meanHi);
    for (int i = threadIdx.x; i < cols; i += blockDim.x) {
        float centred = (xr[i] - meanHi) - meanLo;
        orow[i] = fmaf(centred * rstd, weight[i], bias[i]);
    }
}

// Rotary embedding in place, rotate-half: element i of each head pairs with i + headDim/2; row t turns by
// (pos0 + t)·invFreq[i], the angle in double, cos and sin each rounded once to float. One block per row.
extern "C" __global__ void rope_rotate_half(float* x, int cols, int heads, int headDim, int pos0,
                                            const double* __restrict__ invFreq) {
    extern __shared__ float cs[]; // cos[half], sin[half]
    int half = headDim / 2;
    int t = blockIdx.x;
    for (int i = threadIdx.x; i < half; i += blockDim.x) {
        double angle = (double) (pos0 + t) * invFreq[i];
        double s, c;
        sincos(angle, &s, &c);
        cs[i] = (float) c;
        cs[half + i] = (float) s;
    }
    __syncthreads();
    float* row = x + (long long) t * cols;
    for (int e = threadIdx.x; e < heads * half; e += blockDim.x) {
        int h = e / half, i = e - h * half;
        float* base = row + (long long) h * headDim;
        float x1 = base[i], x2 = base[half + i];
        float c = cs[i], s = cs[half + i];
        base[i] = x1 * c - x2 * s;
        base[half + i] = x2 * c + x1 * s;
    }
}

// Causal softmax over the scores of one (query row, head): s [rows × keys] per head, rows of query positions
// pos0 + t. Keys beyond the query's position or outside the sliding window get probability 0; ALiBi adds
// slope·(key position). One block per row of s; p may be s.
extern "C" __global__ void causal_softmax(float* s, int t0Rows, int keys, int pos0, int slidingWindow,
                                          const float* __restrict__ alibiSlopes, int headBase, int headStride) {
    int t = blockIdx.x, head = headBase + blockIdx.y * headStride;
    float* row = s + ((long long) blockIdx.y * t0Rows + t) * keys;
    int pos = pos0 + t;
    int lo = slidingWindow > 0 ? max(0, pos - slidingWindow + 1) : 0;
    float slope = alibiSlopes == 0 ? 0.0f : alibiSlopes[head];
    float m = NEG_INF;
    for (int j = lo + threadIdx.x; j <= pos; j += blockDim.x) {
        float v = row[j] + slope * (float) j;
        row[j] = v;
        m = fmaxf(m, v);
    }
    m = block_max_f(m);
    double sum = 0.0;
    for (int j = lo + threadIdx.x; j <= pos; j += blockDim.x) {
        float p = (float) exp((double) (row[j] - m));
        row[j] = p;
        sum += p;
    }
    float inv = 1.0f / (float) block_sum_d(sum);
    for (int j = threadIdx.x; j < keys; j += blockDim.x) row[j] = (j >= lo && j <= pos) ? row[j] * inv : 0.0f;
}

// Element-wise activations: 0 relu, 1 gelu (exact erf), 2 gelu tanh, 3 silu.
extern "C" __global__ void activate(float* x, long long n, int kind) {
    const float geluTanhC = 0.7978845608028654f; // √(2/π) rounded to float
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
        float v = x[i];
        float r;
        switch (kind) {
            case 0: r = fmaxf(v, 0.0f); break;
            case 1: r = (float) (0.5 * (double) v * erfc(-(double) v * 0.70710678118654752440)); break;
            case 2: r = v / (1.0f + (float) exp((double) (-2.0f * geluTanhC * (v + 0.044715f * v * v * v)))); break;
            default: r = v / (1.0f + (float) exp((double) -v)); break;
        }
        x[i] = r;
    }
}

extern "C" __global__ void multiply(float* a, const float* __restrict__ b, long long n) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) a[i] *= b[i];
}

extern "C" __global__ void add(float* a, const float* __restrict__ b, long long n) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) a[i] += b[i];
}

// out[r, c] += bias[c] for [rows × cols].
extern "C" __global__ void add_bias(float* out, const float* __restrict__ bias, int rows, int cols) {
    long long n = (long long) rows * cols;
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x)
        out[i] += bias[i % cols];
}

// nll[t] = max + log Σ exp(l − max) − l[target], the sum in double; one block per row.
extern "C" __global__ void cross_entropy(const float* __restrict__ logits, int vocab, const int* __restrict__ targets,
                                         double* __restrict__ nll) {
    const float* row = logits + (long long) blockIdx.x * vocab;
    float m = NEG_INF;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) m = fmaxf(m, row[i]);
    m = block_max_f(m);
    double sum = 0.0;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) sum += exp((double) row[i] - (double) m);
    sum = block_sum_d(sum);
    if (threadIdx.x == 0) nll[blockIdx.x] = (double) m + log(sum) - (double) row[targets[blockIdx.x]];
}

// dots[r] = Σ_c a[r,c]·b[r,c] in double; one block per row (the quadratic form tr(A·H·Aᵀ) with b = A·H).
extern "C" __global__ void row_dots(const float* __restrict__ a, const float* __restrict__ b, int cols, double* __restrict__ dots) {
    const float* ar = a + (long long) blockIdx.x * cols;
    const float* br = b + (long long) blockIdx.x * cols;
    double sum = 0.0;
    for (int i = threadIdx.x; i < cols; i += blockDim.x) sum += (double) ar[i] * (double) br[i];
    sum = block_sum_d(sum);
    if (threadIdx.x == 0) dots[blockIdx.x] = sum;
}

// lo[r] = min(0, w[r, c0..c1)), hi[r] = max(0, w[r, c0..c1)); one block per row: the range a quantization grid spans
// (QuantGrid.fit), taken where W lives during the OBS sweep.
extern "C" __global__ void row_ranges(const float* __restrict__ w, int cols, int c0, int c1, float* __restrict__ lo, float* __restrict__ hi) {
    const float* row = w + (long long) blockIdx.x * cols;
    float mn = 0.f, mx = 0.f;
    for (int i = c0 + threadIdx.x; i < c1; i += blockDim.x) {
        mn = fminf(mn, row[i]);
        mx = fmaxf(mx, row[i]);
    }
    mx = block_max_f(mx);
    mn = -block_max_f(-mn);
    if (threadIdx.x == 0) {
        lo[blockIdx.x] = mn;
        hi[blockIdx.x] = mx;
    }
}

// x[t] = table[ids[t]], rows of width cols: the embedding lookup.
extern "C" __global__ void embedding_gather(const float* __restrict__ table, const int* __restrict__ ids, float* __restrict__ x,
                                            int rows, int cols) {
    long long n = (long long) rows * cols;
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
        int t = (int) (i / cols), c = (int) (i - (long long) t * cols);
        x[i] = table[(long long) ids[t] * cols + c];
    }
}
