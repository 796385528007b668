package dev.pare.backend;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.lang.foreign.Arena;
import java.util.SplittableRandom;

/**
 * Fresh random inputs for every test, in an arena closed after it: the seed goes into every failure message, and
 * {@code -Dpare.test.seed=…} replays one.
 */
abstract class RandomInputs {
    /** float's unit roundoff, 2^-24. */
    static final double U = 0x1p-24;

    Arena arena;
    long seed;
    SplittableRandom random;

    @BeforeEach
    void freshInputs() {
        String fixed = System.getProperty("pare.test.seed");
        seed = fixed != null ? Long.parseLong(fixed) : System.nanoTime();
        random = new SplittableRandom(seed);
        arena = Arena.ofShared();
    }

    @AfterEach
    void release() {
        arena.close();
    }
}
