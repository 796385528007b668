package dev.pare.compress;

/**
 * One compressed linear, as pare-report.json records it.
 *
 * @param targetSparsity the schedule's target
 * @param sparsity       the fraction of exact zeros after compression
 * @param relError       ‖WX − ŴX‖² / ‖WX‖² on the calibration inputs, = tr(ΔHΔᵀ)/tr(WHWᵀ) (NaN without calibration)
 */
public record LayerReport(int block, String name, int rows, int columns, double targetSparsity, double sparsity,
                          int bits, int groupSize, double percdamp, double obsLoss, double relError, int dead, double seconds) {
}
