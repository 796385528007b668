package dev.pare.compress.schedule;

import dev.pare.tensor.FloatMatrix;

import java.util.List;

/**
 * OWL's layer statistic (Yin et al., 2023): the share of Wanda scores A_ij = |w_ij|·‖X_j‖ above M times their mean.
 * Layers with many outliers are the ones that suffer from pruning, so OWL prunes them less. ‖X_j‖² per calibration
 * sample is diag(H)_j / 2, so the Hessian's diagonal is all it needs.
 */
public final class OutlierRatio {
    private OutlierRatio() {
    }

    /** The ratio of one linear layer. */
    public static double of(FloatMatrix w, float[] hessianDiagonal, double m) {
        return pooled(List.of(w), List.of(hessianDiagonal), m);
    }

    /**
     * The ratio over the entries of several linears pooled, with one mean over all of them: OWL's own code scores a
     * whole transformer block this way.
     */
    public static double pooled(List<FloatMatrix> weights, List<float[]> hessianDiagonals, double m) {
        double sum = 0;
        long count = 0;
        for (int l = 0; l < weights.size(); l++) {
            FloatMatrix w = weights.get(l);
            float[] norm = inputNorms(hessianDiagonals.get(l));
            for (int i = 0; i < w.rows(); i++)
                for (int j = 0; j < w.cols(); j++) sum += (double) Math.abs(w.get(i, j)) * norm[j];
            count += w.size();
        }
        if (count == 0) return 0;
        double threshold = m * sum / count;
        long outliers = 0;
        for (int l = 0; l < weights.size(); l++) {
            FloatMatrix w = weights.get(l);
            float[] norm = inputNorms(hessianDiagonals.get(l));
            for (int i = 0; i < w.rows(); i++)
                for (int j = 0; j < w.cols(); j++) if ((double) Math.abs(w.get(i, j)) * norm[j] > threshold) outliers++;
        }
        return (double) outliers / count;
    }

    /** ‖X_j‖ per sample = √(diag(H)_j / 2), as Wanda computes it. */
    private static float[] inputNorms(float[] diag) {
        float[] norm = new float[diag.length];
        for (int j = 0; j < norm.length; j++) norm[j] = (float) Math.sqrt(diag[j] / 2);
        return norm;
    }
}
