package dev.pare.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Whether this machine can run Pare's CUDA backend, asked once and remembered. The probe never throws and loads
 * nothing until it is first asked; it stops at the first thing missing and says what that is, in the order a user would
 * fix them: the driver (libcuda.so.1), a device, the runtime and a driver new enough for it, then cuBLAS, cuSOLVER and
 * NVRTC. {@code -Dpare.cuda=off} (or {@code PARE_CUDA=off}) answers "unavailable" without looking.
 */
public final class Cuda {
    /** The CUDA major version the bindings are written for (the sonames' .13); the driver must support at least this. */
    public static final int REQUIRED_MAJOR = 13;

    /**
     * What the probe found.
     *
     * @param reason          why CUDA cannot be used, or null when it can
     * @param driverVersion   what the driver supports, e.g. 13000 for 13.0 (0 if unknown)
     * @param runtimeVersion  the runtime's version, e.g. 13000 (0 if unknown)
     * @param devices         CUDA devices visible
     */
    public record Probe(String reason, int driverVersion, int runtimeVersion, int devices) {
        public boolean available() {
            return reason == null;
        }
    }

    private static volatile Probe probe;

    private Cuda() {
    }

    /** Whether the CUDA backend can run here; see {@link #unavailableReason()} when not. */
    public static boolean available() {
        return probe().available();
    }

    /** Why CUDA cannot be used here, or null when it can. */
    public static String unavailableReason() {
        return probe().reason();
    }

    public static Probe probe() {
        Probe p = probe;
        if (p == null) {
            synchronized (Cuda.class) {
                p = probe;
                if (p == null) probe = p = run();
            }
        }
        return p;
    }

    /** "13.0" from 13000. */
    public static String version(int v) {
        return v / 1000 + "." + (v % 1000) / 10;
    }

    private static Probe run() {
        String off = System.getProperty("pare.cuda", System.getenv("PARE_CUDA"));
        if (off != null && (off.equalsIgnoreCase("off") || off.equalsIgnoreCase("false") || off.equals("0")))
            return new Probe("CUDA is switched off (-Dpare.cuda=" + off + " or PARE_CUDA)", 0, 0, 0);
        int driver = 0, runtime = 0;
        try (Arena arena = Arena.ofConfined()) {
            String missing = CudaLibrary.DRIVER.loadFailure();
            if (missing != null) return new Probe("no NVIDIA driver: " + missing, 0, 0, 0);
            int status = cuda_h.cuInit(0);
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
            if (cuda_h.cuDriverGetVersion(out) == 0) driver = out.get(ValueLayout.JAVA_INT, 0);
            if (status == cuda_h.CUDA_ERROR_NO_DEVICE()) return new Probe("the NVIDIA driver sees no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)", driver, 0, 0);
            if (status != 0) return new Probe(message(() -> CudaCheck.cu("cuInit", status)), driver, 0, 0);
            if (driver / 1000 < REQUIRED_MAJOR)
                return new Probe("the NVIDIA driver supports CUDA " + version(driver) + " but Pare's CUDA backend needs " + REQUIRED_MAJOR
                        + ".0 or newer (driver 580 or newer)", driver, 0, 0);
            missing = CudaLibrary.RUNTIME.loadFailure();
            if (missing != null) return new Probe("no CUDA " + REQUIRED_MAJOR + " runtime: " + missing + " (set PARE_CUDA_HOME to the toolkit)", driver, 0, 0);
            if (cuda_runtime_api_h.cudaRuntimeGetVersion(out) == 0) runtime = out.get(ValueLayout.JAVA_INT, 0);
            if (runtime > driver)
                return new Probe("the CUDA runtime is " + version(runtime) + " but the driver supports only " + version(driver) + "; update the NVIDIA driver", driver, runtime, 0);
            int count = cuda_runtime_api_h.cudaGetDeviceCount(out);
            if (count != 0) {
                CudaException e = CudaCheck.cudaError("cudaGetDeviceCount", count);
                return new Probe(e.getMessage(), driver, runtime, 0);
            }
            int devices = out.get(ValueLayout.JAVA_INT, 0);
            if (devices == 0) return new Probe("no CUDA device visible (cudaGetDeviceCount = 0; check CUDA_VISIBLE_DEVICES)", driver, runtime, 0);
            for (CudaLibrary lib : new CudaLibrary[]{CudaLibrary.CUBLAS, CudaLibrary.CUSOLVER, CudaLibrary.NVRTC}) {
                missing = lib.loadFailure();
                if (missing != null) return new Probe("CUDA " + REQUIRED_MAJOR + " libraries incomplete: " + missing + " (set PARE_CUDA_HOME to the toolkit)", driver, runtime, devices);
            }
            return new Probe(null, driver, runtime, devices);
        } catch (Throwable t) {
            // Whatever went wrong (a symbol missing, a library that fails to initialise), the answer is "not here".
            return new Probe("CUDA probe failed: " + t, driver, runtime, 0);
        }
    }

    private static String message(Runnable r) {
        try {
            r.run();
            return null;
        } catch (CudaException e) {
            return e.getMessage();
        }
    }
}
