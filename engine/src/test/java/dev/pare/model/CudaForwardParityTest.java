package dev.pare.model;

import dev.pare.backend.CudaBackend;
import dev.pare.bindings.Cuda;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The forward pass on the GPU against transformers' float64 logits, as the CPU's is checked: every op coherent, then
 * resident (weights and intermediates on the device, as evaluation and compression run it), then through the KV cache.
 */
@Tag("gpu")
class CudaForwardParityTest {
    private static CudaBackend backend;

    @BeforeAll
    static void start() {
        assumeTrue(Cuda.available(), () -> "no usable GPU: " + Cuda.unavailableReason());
        backend = new CudaBackend();
    }

    @AfterAll
    static void stop() {
        if (backend != null) backend.close();
    }

    @ParameterizedTest
    @FieldSource("dev.pare.model.LogitParity#TINY")
    void logitsMatchTransformers(String name) {
        LogitParity.check(name, backend);
    }
}
