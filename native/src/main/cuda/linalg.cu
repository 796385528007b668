// Small layout kernels around cuBLAS and cuSOLVER for the Hessian and its inverse factor. Compiled at run time by NVRTC.

#define TILE 32

// Fills the other triangle of a symmetric n×n matrix from the one SYRK wrote: a[j·n + i] = a[i·n + j] for i < j
// (the flat element (i, j) with i < j is the source). Tiled through shared memory so both sides are coalesced.
extern "C" __global__ void mirror_upper_to_lower(float* a, int n) {
    __shared__ float tile[TILE][TILE + 1];
    int bi = blockIdx.y, bj = blockIdx.x; // tile row, tile column of the source (bi ≤ bj)
    if (bi > bj) return;
    int tx = threadIdx.x, ty = threadIdx.y;
    for (int k = ty; k < TILE; k += blockDim.y) {
        int i = bi * TILE + k, j = bj * TILE + tx;
        if (i < n && j < n) tile[k][tx] = a[(long long) i * n + j];
    }
    __syncthreads();
    for (int k = ty; k < TILE; k += blockDim.y) {
        int i = bj * TILE + k, j = bi * TILE + tx; // destination (i, j) = source (j, i)
        if (i < n && j < n && i > j) a[(long long) i * n + j] = tile[tx][k];
    }
}

// out = the n×n array reversed element by element: for a symmetric matrix that is J·A·J (J the reversal permutation).
extern "C" __global__ void reverse_elements(const float* __restrict__ in, float* __restrict__ out, long long count) {
    for (long long e = blockIdx.x * (long long) blockDim.x + threadIdx.x; e < count; e += (long long) gridDim.x * blockDim.x)
        out[count - 1 - e] = in[e];
}

// U = J·X·J written row-major and upper: out[i·n + j] = X(n−1−i, n−1−j) for j ≥ i, else 0, where X is column-major
// (X(r, c) at x[c·n + r]), i.e. out[i·n + j] = x[(n−1−j)·n + (n−1−i)]. Tiled so that reads and writes are coalesced.
extern "C" __global__ void reverse_transpose_upper(const float* __restrict__ x, float* __restrict__ out, int n) {
    __shared__ float tile[TILE][TILE + 1];
    int tx = threadIdx.x, ty = threadIdx.y;
    // This block writes out tile (bi, bj): rows i in bi·TILE…, columns j in bj·TILE…; it reads x at flat
    // (n−1−j)·n + (n−1−i): rows of x indexed by n−1−j, contiguous in n−1−i.
    int bi = blockIdx.y, bj = blockIdx.x;
    for (int k = ty; k < TILE; k += blockDim.y) {
        int j = bj * TILE + k, i = bi * TILE + tx;
        if (i < n && j < n) tile[k][tx] = x[(long long) (n - 1 - j) * n + (n - 1 - i)];
    }
    __syncthreads();
    for (int k = ty; k < TILE; k += blockDim.y) {
        int i = bi * TILE + k, j = bj * TILE + tx;
        if (i < n && j < n) out[(long long) i * n + j] = j >= i ? tile[tx][k] : 0.0f;
    }
}

// a = identity (n×n), for the triangular inverse by TRSM where cuSOLVER's trtri is not available.
extern "C" __global__ void set_identity(float* a, int n) {
    long long count = (long long) n * n;
    for (long long e = blockIdx.x * (long long) blockDim.x + threadIdx.x; e < count; e += (long long) gridDim.x * blockDim.x)
        a[e] = (e / n == e % n) ? 1.0f : 0.0f;
}

// dst[r·dld + c] = src[r·sld + c] for a rows × cols window: column blocks of row-major matrices on the device.
extern "C" __global__ void copy_window(const float* __restrict__ src, long long sld, float* __restrict__ dst, long long dld, int rows, int cols) {
    long long n = (long long) rows * cols;
    for (long long e = blockIdx.x * (long long) blockDim.x + threadIdx.x; e < n; e += (long long) gridDim.x * blockDim.x) {
        int r = (int) (e / cols), c = (int) (e - (long long) r * cols);
        dst[r * dld + c] = src[r * sld + c];
    }
}
