package dev.pare.backend;

import dev.pare.PareException;
import dev.pare.backend.cuda.GpuMath;
import dev.pare.bindings.Cuda;

import java.util.function.Consumer;

/**
 * The one place where Pare chooses between the CPU and the GPU ({@code --device cpu|cuda|auto}). The CPU path never
 * touches a CUDA library: "cpu" constructs nothing else, and "auto" asks {@link Cuda#available()}, whose probe loads
 * libraries lazily and never throws.
 */
public final class Backends {
    private Backends() {
    }

    /** {@link #create(String, int, GpuMath, Consumer)} with all processors, FP32 products and notices on stderr. */
    public static Backend create(String device) {
        return create(device, Runtime.getRuntime().availableProcessors(), GpuMath.FP32, line -> System.err.println("pare: " + line));
    }

    /**
     * @param device  "cpu", "cuda" (or "cuda:N" for device N; fails when CUDA is not usable) or "auto" (CUDA when the
     *                probe succeeds, else the CPU with one notice saying why)
     * @param threads CPU threads (the CPU backend, and the CUDA backend's fallback for ops that do not fit the GPU)
     * @param math    the GPU's forward-pass products
     * @param notice  where the single line about an automatic fallback goes
     */
    public static Backend create(String device, int threads, GpuMath math, Consumer<String> notice) {
        String d = device == null ? "auto" : device.trim().toLowerCase(java.util.Locale.ROOT);
        if (d.equals("cpu")) return new CpuBackend(threads);
        if (d.equals("auto")) {
            if (Cuda.available()) return cuda(0, math);
            notice.accept("no usable GPU, computing on the CPU: " + Cuda.unavailableReason());
            return new CpuBackend(threads);
        }
        if (d.equals("cuda") || d.startsWith("cuda:")) {
            int ordinal = 0;
            if (d.startsWith("cuda:")) {
                try {
                    ordinal = Integer.parseInt(d.substring(5));
                } catch (NumberFormatException e) {
                    throw new PareException("--device " + device + ": expected cuda:N with N a device number");
                }
            }
            if (!Cuda.available()) throw new PareException("--device " + device + ": CUDA is not usable here: " + Cuda.unavailableReason());
            return cuda(ordinal, math);
        }
        throw new PareException("--device " + device + ": expected cpu, cuda, cuda:N or auto");
    }

    private static Backend cuda(int ordinal, GpuMath math) {
        return new CudaBackend(ordinal, math);
    }
}
