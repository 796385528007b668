package dev.pare.compress;

import dev.pare.backend.Backend;
import dev.pare.tensor.FloatMatrix;

import java.lang.foreign.Arena;
import java.util.Random;

/** Random layer problems and plainly written double-precision oracles for the compression tests. */
public final class ObsTestSupport {
    private ObsTestSupport() {
    }

    /** Calibration-like inputs: N(0,1) with a few outlier features, as LLM activations have. */
    static FloatMatrix inputs(Arena arena, Random rnd, int tokens, int cols) {
        FloatMatrix x = FloatMatrix.allocate(arena, tokens, cols);
        for (int t = 0; t < tokens; t++)
            for (int c = 0; c < cols; c++) x.set(t, c, (float) (rnd.nextGaussian() * (c % 7 == 0 ? 4 : 1)));
        return x;
    }

    static FloatMatrix weights(Arena arena, Random rnd, int rows, int cols) {
        FloatMatrix w = FloatMatrix.allocate(arena, rows, cols);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) w.set(r, c, (float) (rnd.nextGaussian() * 0.1));
        return w;
    }

    static Hessian hessian(Arena arena, FloatMatrix x, Backend backend) {
        Hessian h = new Hessian(arena, x.cols());
        h.add(x, 1, backend);
        return h;
    }

    static double[][] toDouble(FloatMatrix m) {
        double[][] a = new double[m.rows()][m.cols()];
        for (int r = 0; r < m.rows(); r++)
            for (int c = 0; c < m.cols(); c++) a[r][c] = m.get(r, c);
        return a;
    }

    /** A⁻¹ of a symmetric positive definite matrix by Gauss-Jordan elimination, in double. */
    public static double[][] inverse(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][2 * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n + i] = 1;
        }
        for (int p = 0; p < n; p++) {
            int best = p;
            for (int i = p + 1; i < n; i++) if (Math.abs(m[i][p]) > Math.abs(m[best][p])) best = i;
            double[] t = m[p];
            m[p] = m[best];
            m[best] = t;
            double d = m[p][p];
            for (int j = 0; j < 2 * n; j++) m[p][j] /= d;
            for (int i = 0; i < n; i++) {
                if (i == p) continue;
                double f = m[i][p];
                if (f != 0) for (int j = 0; j < 2 * n; j++) m[i][j] -= f * m[p][j];
            }
        }
        double[][] inv = new double[n][n];
        for (int i = 0; i < n; i++) System.arraycopy(m[i], n, inv[i], 0, n);
        return inv;
    }

    /** tr(ΔHΔᵀ) for Δ = a − b, in double. */
    static double error(double[][] a, double[][] b, double[][] h) {
        int rows = a.length, n = h.length;
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            double[] d = new double[n];
            for (int j = 0; j < n; j++) d[j] = a[r][j] - b[r][j];
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) s += h[i][j] * d[j];
                sum += d[i] * s;
            }
        }
        return sum;
    }

    /** H + percdamp·mean(diag H)·I, as the references damp. */
    static double[][] damped(double[][] h, double percdamp) {
        int n = h.length;
        double mean = 0;
        for (int i = 0; i < n; i++) mean += h[i][i];
        mean /= n;
        double[][] d = new double[n][];
        for (int i = 0; i < n; i++) {
            d[i] = h[i].clone();
            d[i][i] += percdamp * mean;
        }
        return d;
    }
}
