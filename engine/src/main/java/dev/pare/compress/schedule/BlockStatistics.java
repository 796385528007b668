package dev.pare.compress.schedule;

import java.util.List;

/**
 * The pre-pass's statistics of one transformer block: its linears, and OWL's outlier ratio over all of their entries
 * pooled (how OWL scores a block).
 */
public record BlockStatistics(int block, List<LayerStatistics> layers, double outlierRatio) {
    public long params() {
        long n = 0;
        for (LayerStatistics l : layers) n += l.params();
        return n;
    }
}
