package dev.pare.compress;

/**
 * What a method did to one linear layer, beyond the new weights.
 *
 * @param percdamp the relative damping the Hessian needed (NaN for methods without one)
 * @param obsLoss  Σ over weights of (w − q)²/Hinv_jj² / 2, the OBS loss estimate the references print as "error" (NaN where not defined)
 * @param dead     input columns that never fired in calibration
 */
public record LayerOutcome(double percdamp, double obsLoss, int dead) {
    public static final LayerOutcome NONE = new LayerOutcome(Double.NaN, Double.NaN, 0);
}
