package dev.pare.backend;

import dev.pare.PareException;
import dev.pare.backend.cuda.GpuMath;
import dev.pare.bindings.Cuda;
import dev.pare.bindings.cublas_api_h;
import dev.pare.bindings.cuda_h;
import dev.pare.bindings.nvrtc_h;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The choice of backend, on any machine: CUDA where the probe says it is usable, the CPU with one notice elsewhere. */
class BackendsTest {
    @Test
    void bindingClassesLoadWithoutTouchingALibrary() {
        // Constants and class initialisation must work where no CUDA library exists (CI).
        assertEquals(1, cublas_api_h.CUBLAS_OP_T());
        assertEquals(0, cuda_h.CUDA_SUCCESS());
        assertEquals(6, nvrtc_h.NVRTC_ERROR_COMPILATION());
    }

    @Test
    void probeNeverThrowsAndExplainsUnavailability() {
        Cuda.Probe probe = Cuda.probe();
        if (probe.available()) {
            assertNull(Cuda.unavailableReason());
            assertTrue(probe.devices() > 0);
        } else {
            assertFalse(Cuda.available());
            String reason = Cuda.unavailableReason();
            assertTrue(reason != null && !reason.isBlank(), "a reason, got " + reason);
            System.out.println("CUDA unavailable here: " + reason);
        }
    }

    @Test
    void autoFallsBackToTheCpuWithOneNoticeWhenCudaIsMissing() {
        List<String> notices = new ArrayList<>();
        try (Backend backend = Backends.create("auto", 2, GpuMath.FP32, notices::add)) {
            if (Cuda.available()) {
                assertInstanceOf(CudaBackend.class, backend);
                assertTrue(notices.isEmpty());
            } else {
                assertInstanceOf(CpuBackend.class, backend);
                assertEquals(1, notices.size(), notices.toString());
                assertTrue(notices.getFirst().contains(Cuda.unavailableReason()), notices.getFirst());
            }
        }
    }

    @Test
    void cudaWhereUnavailableSaysWhy() {
        if (Cuda.available()) return;
        PareException e = assertThrows(PareException.class, () -> Backends.create("cuda", 1, GpuMath.FP32, line -> { }));
        assertTrue(e.getMessage().contains(Cuda.unavailableReason()), e.getMessage());
    }

    @Test
    void cpuAndBadNames() {
        try (Backend backend = Backends.create("cpu", 1, GpuMath.FP32, line -> { })) {
            assertInstanceOf(CpuBackend.class, backend);
        }
        assertThrows(PareException.class, () -> Backends.create("tpu", 1, GpuMath.FP32, line -> { }));
        assertThrows(PareException.class, () -> GpuMath.parse("fp8"));
        assertEquals(GpuMath.TF32, GpuMath.parse("TF32"));
    }

    @Test
    void hostLeasesDoNothing() {
        try (Backend backend = new CpuBackend(1)) {
            Residency.Lease lease = Residency.of(backend).lease();
            var m = dev.pare.tensor.FloatMatrix.allocate(java.lang.foreign.Arena.global(), 2, 2);
            lease.keep(m).toHost(m, 0, 2);
            lease.close();
        }
    }
}
