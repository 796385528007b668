package dev.pare.model;

import dev.pare.backend.Backend;
import dev.pare.backend.CpuBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Logits of every architecture on the CPU against transformers' float64 logits in ../shared/reference/tiny. */
class ForwardParityTest {
    private static Backend backend;

    @BeforeAll
    static void start() {
        backend = new CpuBackend(Runtime.getRuntime().availableProcessors());
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    @ParameterizedTest
    @FieldSource("dev.pare.model.LogitParity#TINY")
    void logitsMatchTransformers(String name) {
        LogitParity.check(name, backend);
    }
}
