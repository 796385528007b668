package dev.pare.backend;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.ArrayList;
import java.util.List;

/**
 * Tests run on the scalar path and on every vector width this CPU runs natively ({@code @MethodSource("backends")}),
 * each backend with 3 threads on any machine: an odd count exercises uneven partitions.
 */
abstract class OnEveryCpuBackend extends RandomInputs {
    static final List<CpuBackend> BACKENDS = new ArrayList<>();
    static CpuBackend scalar;

    @BeforeAll
    static void createBackends() {
        scalar = new CpuBackend(3, null);
        BACKENDS.add(scalar);
        for (int bits = 128; bits <= FloatVector.SPECIES_PREFERRED.vectorBitSize(); bits *= 2)
            BACKENDS.add(new CpuBackend(3, CpuBackend.speciesForBits(bits)));
    }

    @AfterAll
    static void closeBackends() {
        BACKENDS.forEach(CpuBackend::close);
        BACKENDS.clear(); // the next test class makes its own
    }

    static List<CpuBackend> backends() {
        return BACKENDS;
    }
}
