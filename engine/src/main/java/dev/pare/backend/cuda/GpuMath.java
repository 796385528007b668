package dev.pare.backend.cuda;

import dev.pare.PareException;
import dev.pare.bindings.cublas_api_h;

/**
 * The arithmetic of the forward pass's matrix products on the GPU ({@code --gpu-math}). The compression ops (Hessian,
 * Cholesky, lazy updates) always run in FP32, as the reference implementations do.
 */
public enum GpuMath {
    /** IEEE FP32 products: parity with the CPU backend (relative error ~1e-6). */
    FP32,
    /** TF32 tensor cores: 10-bit mantissas in the products, FP32 sums (relative error ~3e-4). */
    TF32,
    /**
     * BF16 tensor cores allowed on FP32 data (8-bit mantissas in the products, FP32 sums): cuBLAS may still pick TF32
     * kernels — on an H200 it gave results identical to TF32 for every model measured (bench/RESULTS.md).
     */
    BF16;

    public int cublasComputeType() {
        return switch (this) {
            case FP32 -> cublas_api_h.CUBLAS_COMPUTE_32F();
            case TF32 -> cublas_api_h.CUBLAS_COMPUTE_32F_FAST_TF32();
            case BF16 -> cublas_api_h.CUBLAS_COMPUTE_32F_FAST_16BF();
        };
    }

    public static GpuMath parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "fp32", "f32" -> FP32;
            case "tf32" -> TF32;
            case "bf16" -> BF16;
            default -> throw new PareException("--gpu-math " + s + ": expected fp32, tf32 or bf16");
        };
    }
}
