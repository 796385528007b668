package dev.pare.tests;

import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What quantized weights must look like once stored: every value of a grid's span on one evenly spaced grid. */
final class Grids {
    private Grids() {
    }

    /**
     * The distinct values (0 included) are at most 2^bits points s·k for integers k, s > 0: GPTQ's grid
     * scale·(q − zero) with an integer zero, which holds 0 itself, after rounding to the checkpoint's F16.
     */
    static void assertOnGrid(float[] values, int bits, String where) {
        TreeSet<Float> distinct = new TreeSet<>();
        for (float v : values) distinct.add(v == 0f ? 0f : v); // -0.0 and 0.0 are one level
        int levels = 1 << bits;
        assertTrue(distinct.size() <= levels, () -> where + ": " + distinct.size() + " distinct values, more than " + levels + ": " + distinct);
        distinct.add(0f);
        if (distinct.size() < 2) return;
        float min = distinct.first(), max = distinct.last();
        float smallestGap = Float.MAX_VALUE, previous = Float.NaN;
        for (float v : distinct) {
            if (!Float.isNaN(previous)) smallestGap = Math.min(smallestGap, v - previous);
            previous = v;
        }
        long steps = Math.round((max - min) / smallestGap);
        assertTrue(steps <= levels - 1, where + ": values span " + steps + " grid steps, more than " + (levels - 1) + ": " + distinct);
        double step = (double) (max - min) / steps;
        for (float v : distinct) {
            double k = v / step;
            // F16 keeps 11 significant bits: a level up to 2^bits steps from 0 is off by well under a tenth of a step.
            assertEquals(Math.rint(k), k, 0.1, () -> where + ": " + v + " is not a multiple of the grid step " + step + ": " + distinct);
        }
    }
}
