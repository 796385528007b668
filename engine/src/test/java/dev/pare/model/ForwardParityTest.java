package dev.pare.model;

import dev.pare.backend.Backend;
import dev.pare.backend.CpuBackend;
import dev.pare.io.SafetensorsFile;
import dev.pare.util.ProjectFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;


import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Logits of every architecture against transformers' float64 logits in ../shared/reference/tiny. */
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
    @ValueSource(strings = {"llama-gqa", "llama-tied-theta5e5", "mistral", "qwen2", "opt-prenorm", "opt-postnorm-proj", "gpt2", "bloom"})
    void logitsMatchTransformers(String name) {
        var dir = ProjectFiles.shared("reference/tiny/" + name);
        assumeTrue(dir.isPresent(), "../shared/reference/tiny/" + name + " not present: parity with transformers cannot be checked here");
        try (LoadedModel m = LoadedModel.open(dir.get());
             SafetensorsFile ref = SafetensorsFile.open(dir.get().resolve("reference_logits.safetensors"))) {
            double err = LogitParity.maxRelativeError(m.model(), backend, ref.get("input_ids"), ref.get("logits"));
            System.out.printf("forward parity %-20s relative L2 error %.3e%n", name, err);
            assertTrue(err <= 1e-4, name + ": relative L2 error of the logits " + err + " > 1e-4");
        }
    }

}
