// The Optimal Brain Surgeon kernels of SparseGPT and GPTQ beyond cuBLAS/cuSOLVER: the fused in-block column sweep and
// the unstructured block mask (saliency + exact k-th smallest by radix select). Compiled at run time by NVRTC for the GPU
// in hand (no #include: NVRTC has no C library), and compile-checked by nvcc in the build where nvcc exists.
// Every formula follows engine/src/main/java/dev/pare/backend/CpuCompressionOps.java, which is the F32 reference.

#define FULL_MASK 0xffffffffu
// Columns per block the sweep kernel handles: 4 per lane of a warp.
#define OBS_MAX_COLUMNS 128
#define OBS_SLOTS 4

// Packed upper triangle of the count×count Hinv block in shared memory: row i holds columns i … count−1.
__device__ __forceinline__ int obs_row_start(int i, int count) {
    return i * count - (i * (i - 1)) / 2;
}

// GPTQ's quantizer: scale·(clamp(rint(x/scale) + zero, 0, maxq) − zero), rounding half to even as torch.round.
__device__ __forceinline__ float obs_quantize(float x, float scale, float zero, float maxq) {
    float q = rintf(x / scale) + zero;
    q = fmaxf(0.0f, fminf(maxq, q));
    return scale * (q - zero);
}

// The value in slot k (a warp-uniform index) of a lane's 4 registers, without dynamic register indexing.
__device__ __forceinline__ float obs_slot(const float v[OBS_SLOTS], int k) {
    return k == 0 ? v[0] : k == 1 ? v[1] : k == 2 ? v[2] : v[3];
}

// One 128-column block of the OBS sweep, one warp per row (a grid-stride loop over rows). Lane l holds the row's
// columns l, l+32, l+64, l+96 in registers; at column i the lane that holds it computes q and the error, a shuffle
// broadcasts the error, and every lane updates its later columns from row i of Hinv (shared memory, packed upper).
// The block's Hinv is loaded once per thread block and reused by all its warps' rows.
//
// w       [rows × ldw], the block is columns i1 … i1+count−1 (written back compressed)
// hinv    [n × ldh], upper Cholesky factor of H⁻¹
// mask, scale, zero, err: [rows × ldb] arrays of the block (ldb ≥ count: a 128-column slice of a wider block)
// mask    bytes, 1 = pruned, or null
// prunen, prunem: N:M sparsity chosen in the loop (prunen 0: none)
// scale, zero or null (no quantization); maxq = 2^bits − 1
// err     out: (w − q) / Hinv[i,i]
// losses  [rows] += Σ (w − q)² / Hinv[i,i]² / 2
extern "C" __global__ void obs_block_sweep(float* __restrict__ w, long long ldw, int rows,
                                           const float* __restrict__ hinv, long long ldh, int i1, int count,
                                           const unsigned char* __restrict__ mask, int prunen, int prunem,
                                           const float* __restrict__ scale, const float* __restrict__ zero, float maxq,
                                           float* __restrict__ err, long long ldb, double* __restrict__ losses) {
    extern __shared__ float hs[];
    for (int e = threadIdx.x; e < count * count; e += blockDim.x) {
        int i = e / count, j = e - i * count;
        if (j >= i) hs[obs_row_start(i, count) + (j - i)] = hinv[(long long) (i1 + i) * ldh + i1 + j];
    }
    __syncthreads();

    const int lane = threadIdx.x & 31;
    const int warpsPerBlock = blockDim.x >> 5;
    for (int r = blockIdx.x * warpsPerBlock + (threadIdx.x >> 5); r < rows; r += gridDim.x * warpsPerBlock) {
        float* wrow = w + (long long) r * ldw + i1;
        float v[OBS_SLOTS];
        unsigned pruned = 0; // bit k: the column in slot k is pruned
#pragma unroll
        for (int k = 0; k < OBS_SLOTS; k++) {
            int j = lane + 32 * k;
            v[k] = j < count ? wrow[j] : 0.0f;
            if (mask != 0 && j < count && mask[(long long) r * ldb + j] != 0) pruned |= 1u << k;
        }
        double loss = 0.0;
#pragma unroll
        for (int k = 0; k < OBS_SLOTS; k++) {
            for (int l = 0; l < 32; l++) {
                const int i = 32 * k + l;
                if (i >= count) break;
                const int di = obs_row_start(i, count);
                if (prunen != 0 && i % prunem == 0) {
                    // N:M: of columns i … i+len−1 prune the n with the smallest w²/d², as updated so far; ties go to
                    // the lower column (a stable sort's order).
                    int len = min(prunem, count - i);
                    float mine[OBS_SLOTS];
#pragma unroll
                    for (int k2 = 0; k2 < OBS_SLOTS; k2++) {
                        int j = lane + 32 * k2;
                        float d = j < count ? hs[obs_row_start(j, count)] : 1.0f;
                        mine[k2] = v[k2] * v[k2] / (d * d);
                    }
                    // rank[k2]: how many of the group sort before this lane's column in slot k2
                    int rank[OBS_SLOTS] = {0, 0, 0, 0};
                    for (int a = 0; a < len; a++) {
                        int ja = i + a;
                        float sa = __shfl_sync(FULL_MASK, obs_slot(mine, ja >> 5), ja & 31);
#pragma unroll
                        for (int k2 = 0; k2 < OBS_SLOTS; k2++) {
                            int j = lane + 32 * k2;
                            if (sa < mine[k2] || (sa == mine[k2] && ja < j)) rank[k2]++;
                        }
                    }
#pragma unroll
                    for (int k2 = 0; k2 < OBS_SLOTS; k2++) {
                        int j = lane + 32 * k2;
                        if (j >= i && j < i + len && rank[k2] < prunen) pruned |= 1u << k2;
                    }
                }
                const float d = hs[di];
                float e = 0.0f, q = 0.0f;
                if (lane == l) {
                    float x = v[k];
                    q = (pruned >> k) & 1u ? 0.0f : x;
                    if (scale != 0) {
                        long long o = (long long) r * ldb + i;
                        q = obs_quantize(q, scale[o], zero[o], maxq);
                    }
                    float diff = x - q;
                    e = diff / d;
                    loss += (double) (diff * diff) / ((double) d * d);
                    err[(long long) r * ldb + i] = e;
                }
                e = __shfl_sync(FULL_MASK, e, l);
#pragma unroll
                for (int k2 = k; k2 < OBS_SLOTS; k2++) {
                    int j = lane + 32 * k2;
                    if (j > i && j < count) v[k2] = fmaf(-e, hs[di + (j - i)], v[k2]);
                }
                if (lane == l) v[k] = q;
            }
        }
#pragma unroll
        for (int k = 0; k < OBS_SLOTS; k++) {
            int j = lane + 32 * k;
            if (j < count) wrow[j] = v[k];
        }
#pragma unroll
        for (int off = 16; off > 0; off >>= 1) loss += __shfl_down_sync(FULL_MASK, loss, off);
        if (lane == 0) losses[r] += loss / 2;
    }
}

// Saliency w²/Hinv[j,j]² of block columns i1 … i1+count−1, [rows × count] row-major.
extern "C" __global__ void obs_saliency(const float* __restrict__ w, long long ldw, int rows,
                                        const float* __restrict__ hinv, long long ldh, int i1, int count,
                                        float* __restrict__ out) {
    long long n = (long long) rows * count;
    for (long long e = blockIdx.x * (long long) blockDim.x + threadIdx.x; e < n; e += (long long) gridDim.x * blockDim.x) {
        int r = (int) (e / count), c = (int) (e - (long long) r * count);
        float d = hinv[(long long) (i1 + c) * ldh + i1 + c];
        float v = w[(long long) r * ldw + i1 + c];
        out[e] = v * v / (d * d);
    }
}

// Exact k-th smallest of non-negative floats by radix select on their bit patterns (monotonic for x ≥ 0, NaN above
// +inf as Arrays.sort orders it), 8 bits a pass from the top. state[0] = prefix so far, state[1] = its mask,
// state[2] = k (rank within the elements matching the prefix). hist: 256 counters, zero on entry to each pass.
extern "C" __global__ void radix_histogram(const float* __restrict__ s, long long n, const unsigned* __restrict__ state,
                                           unsigned* __restrict__ hist, int shift) {
    __shared__ unsigned local[256];
    for (int b = threadIdx.x; b < 256; b += blockDim.x) local[b] = 0;
    __syncthreads();
    unsigned prefix = state[0], pmask = state[1];
    for (long long e = blockIdx.x * (long long) blockDim.x + threadIdx.x; e < n; e += (long long) gridDim.x * blockDim.x) {
        unsigned bits = __float_as_uint(s[e]);
        if ((bits & pmask) == prefix) atomicAdd(&local[(bits >> shift) & 255u], 1u);
    }
    __syncthreads();
    for (int b = threadIdx.x; b < 256; b += blockDim.x)
        if (local[b] != 0) atomicAdd(&hist[b], local[b]);
}

// The bin holding the k-th element becomes part of the prefix; the histogram is cleared for the next pass. One block of
// 256 threads: the bins are read in parallel into shared memory (a serial scan of global memory costs 256 latencies).
extern "C" __global__ void radix_pick(unsigned* __restrict__ state, unsigned* __restrict__ hist, int shift) {
    __shared__ unsigned bins[256];
    int b = threadIdx.x;
    if (b < 256) {
        bins[b] = hist[b];
        hist[b] = 0;
    }
    __syncthreads();
    if (b != 0) return;
    unsigned k = state[2], below = 0;
    int bin = 255;
    for (int i = 0; i < 256; i++) {
        if (below + bins[i] > k) {
            bin = i;
            break;
        }
        below += bins[i];
    }
    state[0] |= (unsigned) bin << shift;
    state[1] |= 255u << shift;
    state[2] = k - below;
}

// mask = s ≤ threshold (the threshold's bit pattern in state[0]); ties at the threshold are pruned, as the reference.
extern "C" __global__ void obs_threshold_mask(const float* __restrict__ s, long long n, const unsigned* __restrict__ state,
                                              unsigned char* __restrict__ mask) {
    float thresh = __uint_as_float(state[0]);
    for (long long e = blockIdx.x * (long long) blockDim.x + threadIdx.x; e < n; e += (long long) gridDim.x * blockDim.x)
        mask[e] = s[e] <= thresh ? 1 : 0;
}

// ---- Wanda and magnitude: scores |w_ij|·scale_j (scale_j = 1 for magnitude), and the weights they prune -------------

__device__ __forceinline__ float prune_score(const float* __restrict__ row, const float* __restrict__ scale, int has_scale, int c) {
    float a = fabsf(row[c]);
    return has_scale ? a * scale[c] : a;
}

// out[e] = |w[e]|·scale[column], for the global threshold (radix_histogram / radix_pick select over it).
extern "C" __global__ void prune_scores(const float* __restrict__ w, int rows, int cols, const float* __restrict__ scale,
                                        int has_scale, float* __restrict__ out) {
    long long n = (long long) rows * cols;
    for (long long e = blockIdx.x * (long long) blockDim.x + threadIdx.x; e < n; e += (long long) gridDim.x * blockDim.x) {
        int c = (int) (e % cols);
        float a = fabsf(w[e]);
        out[e] = has_scale ? a * scale[c] : a;
    }
}

// w[e] = 0 where s[e] ≤ the selected threshold (its bits in state[0]): magnitude's global threshold, ties pruned.
extern "C" __global__ void prune_at_or_below(float* __restrict__ w, const float* __restrict__ s, long long n,
                                             const unsigned* __restrict__ state) {
    float thresh = __uint_as_float(state[0]);
    for (long long e = blockIdx.x * (long long) blockDim.x + threadIdx.x; e < n; e += (long long) gridDim.x * blockDim.x)
        if (s[e] <= thresh) w[e] = 0.f;
}

// Wanda per output row: zero the k lowest-scoring weights of each row, ties to the lower column (a stable sort's
// order). One block per row: a radix select of the (k−1)-th smallest score in four 8-bit passes, then every weight below
// it and the first equal ones in column order are zeroed. Scores are all read before any weight of the row is written.
extern "C" __global__ void prune_row_smallest(float* __restrict__ w, int cols, const float* __restrict__ scale, int has_scale, int k) {
    __shared__ unsigned hist[256];
    __shared__ unsigned equal_before[1024];
    __shared__ unsigned s_prefix, s_mask, s_rank;
    float* row = w + (long long) blockIdx.x * cols;
    if (threadIdx.x == 0) {
        s_prefix = 0;
        s_mask = 0;
        s_rank = (unsigned) (k - 1);
    }
    for (int shift = 24; shift >= 0; shift -= 8) {
        for (int b = threadIdx.x; b < 256; b += blockDim.x) hist[b] = 0;
        __syncthreads();
        unsigned prefix = s_prefix, pmask = s_mask;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) {
            unsigned bits = __float_as_uint(prune_score(row, scale, has_scale, c));
            if ((bits & pmask) == prefix) atomicAdd(&hist[(bits >> shift) & 255u], 1u);
        }
        __syncthreads();
        if (threadIdx.x == 0) {
            unsigned rank = s_rank, below = 0;
            int bin = 255;
            for (int i = 0; i < 256; i++) {
                if (below + hist[i] > rank) {
                    bin = i;
                    break;
                }
                below += hist[i];
            }
            s_prefix = prefix | ((unsigned) bin << shift);
            s_mask = pmask | (255u << shift);
            s_rank = rank - below;
        }
        __syncthreads();
    }
    float thresh = __uint_as_float(s_prefix);
    unsigned equal_to_prune = s_rank + 1;
    // Each thread owns a contiguous run of columns; the equal scores are ranked in column order by a scan of the counts.
    int per = (cols + blockDim.x - 1) / blockDim.x, c0 = threadIdx.x * per, c1 = min(cols, c0 + per);
    unsigned mine = 0;
    for (int c = c0; c < c1; c++) mine += prune_score(row, scale, has_scale, c) == thresh;
    equal_before[threadIdx.x] = mine;
    __syncthreads();
    if (threadIdx.x == 0) {
        unsigned running = 0;
        for (int t = 0; t < blockDim.x; t++) {
            unsigned v = equal_before[t];
            equal_before[t] = running;
            running += v;
        }
    }
    __syncthreads();
    unsigned rank = equal_before[threadIdx.x];
    for (int c = c0; c < c1; c++) {
        float s = prune_score(row, scale, has_scale, c);
        if (s < thresh) {
            row[c] = 0.f;
        } else if (s == thresh) {
            if (rank < equal_to_prune) row[c] = 0.f;
            rank++;
        }
    }
}

// N:M: in every group of m consecutive columns of a row, zero the n lowest-scoring weights (ties to the lower column).
// One thread per group; a weight's rank is the number of weights in its group that sort before it.
extern "C" __global__ void prune_n_of_m(float* __restrict__ w, int rows, int cols, const float* __restrict__ scale, int has_scale,
                                        int n, int m) {
    int groups_per_row = cols / m;
    long long groups = (long long) rows * groups_per_row;
    for (long long g = blockIdx.x * (long long) blockDim.x + threadIdx.x; g < groups; g += (long long) gridDim.x * blockDim.x) {
        int r = (int) (g / groups_per_row), c0 = (int) (g - (long long) r * groups_per_row) * m;
        float* row = w + (long long) r * cols;
        unsigned long long prune = 0; // bit j: column c0 + j is pruned (m ≤ 64)
        for (int j = 0; j < m; j++) {
            float sj = prune_score(row, scale, has_scale, c0 + j);
            int rank = 0;
            for (int i = 0; i < m; i++) {
                float si = prune_score(row, scale, has_scale, c0 + i);
                rank += si < sj || (si == sj && i < j);
            }
            if (rank < n) prune |= 1ull << j;
        }
        for (int j = 0; j < m; j++)
            if (prune >> j & 1ull) row[c0 + j] = 0.f;
    }
}
