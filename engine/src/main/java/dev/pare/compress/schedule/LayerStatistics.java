package dev.pare.compress.schedule;

/**
 * What the dense pre-pass learned about one linear layer: enough for every scheduler, with the Hessian already freed.
 *
 * @param name         the checkpoint's weight tensor name
 * @param loss         the pruning-loss curve E(s) from the inverse Hessian
 * @param outlierRatio OWL's share of |W|·‖X‖ entries above M × their mean
 */
public record LayerStatistics(int block, String name, int rows, int columns, LossCurve loss, double outlierRatio) {
    public long params() {
        return (long) rows * columns;
    }
}
