package dev.pare.backend;

/**
 * erf, erfc and the exact GELU in double, by W. J. Cody's rational approximations ("Rational Chebyshev approximations
 * for the error function", Math. Comp. 1969; the coefficients of his CALERF routine in SPECFUN). Relative error is
 * near 1e-16 over the whole line, far below float's 6e-8, so a GELU rounded to float is as good as float allows —
 * unlike Abramowitz–Stegun 7.1.26, whose 1.5e-7 absolute error shows in activations.
 * <p>
 * Three intervals in y = |x|: erf(y) = y·A(y²)/B(y²) up to 0.46875; erfc(y) = e^(−y²)·C(y)/D(y) up to 4; beyond that
 * erfc(y) = e^(−y²)/y·(1/√π − z·P(z)/Q(z)) with z = 1/y². {@link VectorKernels} evaluates the same polynomials lane-wise.
 */
final class Erf {
    static final double THRESHOLD_1 = 0.46875;
    static final double THRESHOLD_2 = 4.0;
    static final double ONE_OVER_SQRT_PI = 5.6418958354775628695e-1;
    static final double ONE_OVER_SQRT_2 = 0.70710678118654752440;

    // erf on [0, 0.46875]: y·(((A4·y² + A0)·y² + A1)·y² + A2)·y² + A3) / ((((y² + B0)·y² + B1)·y² + B2)·y² + B3)
    static final double A0 = 3.16112374387056560e00, A1 = 1.13864154151050156e02, A2 = 3.77485237685302021e02,
            A3 = 3.20937758913846947e03, A4 = 1.85777706184603153e-1;
    static final double B0 = 2.36012909523441209e01, B1 = 2.44024637934444173e02, B2 = 1.28261652607737228e03,
            B3 = 2.84423683343917062e03;
    // erfc on (0.46875, 4]: e^(−y²) · C(y)/D(y), numerator degree 8 led by C8, denominator monic of degree 8
    static final double C0 = 5.64188496988670089e-1, C1 = 8.88314979438837594e00, C2 = 6.61191906371416295e01,
            C3 = 2.98635138197400131e02, C4 = 8.81952221241769090e02, C5 = 1.71204761263407058e03,
            C6 = 2.05107837782607147e03, C7 = 1.23033935479799725e03, C8 = 2.15311535474403846e-8;
    static final double D0 = 1.57449261107098347e01, D1 = 1.17693950891312499e02, D2 = 5.37181101862009858e02,
            D3 = 1.62138957456669019e03, D4 = 3.29079923573345963e03, D5 = 4.36261909014324716e03,
            D6 = 3.43936767414372164e03, D7 = 1.23033935480374942e03;
    // erfc beyond 4, in z = 1/y²
    static final double P0 = 3.05326634961232344e-1, P1 = 3.60344899949804439e-1, P2 = 1.25781726111229246e-1,
            P3 = 1.60837851487422766e-2, P4 = 6.58749161529837803e-4, P5 = 1.63153871373020978e-2;
    static final double Q0 = 2.56852019228982242e00, Q1 = 1.87295284992346047e00, Q2 = 5.27905102951428412e-1,
            Q3 = 6.05183413124413191e-2, Q4 = 2.33520497626869185e-3;

    private Erf() {
    }

    /** erf(y)/y on the first interval, as a function of y². */
    static double erfOverY(double ysq) {
        double num = ((((A4 * ysq + A0) * ysq + A1) * ysq + A2) * ysq + A3);
        double den = ((((ysq + B0) * ysq + B1) * ysq + B2) * ysq + B3);
        return num / den;
    }

    /** e^(y²)·erfc(y) on the second interval. */
    static double scaledErfcMiddle(double y) {
        double num = (((((((C8 * y + C0) * y + C1) * y + C2) * y + C3) * y + C4) * y + C5) * y + C6) * y + C7;
        double den = (((((((y + D0) * y + D1) * y + D2) * y + D3) * y + D4) * y + D5) * y + D6) * y + D7;
        return num / den;
    }

    /** e^(y²)·erfc(y) beyond 4. */
    static double scaledErfcTail(double y) {
        double z = 1 / (y * y);
        double num = ((((P5 * z + P0) * z + P1) * z + P2) * z + P3) * z + P4;
        double den = ((((z + Q0) * z + Q1) * z + Q2) * z + Q3) * z + Q4;
        return (ONE_OVER_SQRT_PI - z * num / den) / y;
    }

    static double erf(double x) {
        double y = Math.abs(x);
        if (y <= THRESHOLD_1) return x * erfOverY(y * y);
        double e = erfcOfAbs(y);
        return x < 0 ? e - 1 : 1 - e;
    }

    static double erfc(double x) {
        double y = Math.abs(x);
        if (y <= THRESHOLD_1) return 1 - x * erfOverY(y * y);
        double e = erfcOfAbs(y);
        return x < 0 ? 2 - e : e;
    }

    /** erfc(y) for y &gt; 0.46875 (a NaN stays NaN). */
    private static double erfcOfAbs(double y) {
        double scaled = y <= THRESHOLD_2 ? scaledErfcMiddle(y) : scaledErfcTail(y);
        return Math.exp(-y * y) * scaled;
    }

    /**
     * The exact GELU x·Φ(x), Φ(x) = erfc(−x/√2)/2. For x &lt; 0 it uses erfc directly rather than 1 + erf, so the
     * far negative tail keeps its relative accuracy instead of cancelling to zero.
     */
    static double gelu(double x) {
        double t = x * ONE_OVER_SQRT_2;
        double y = Math.abs(t);
        if (y <= THRESHOLD_1) return x * (0.5 + 0.5 * t * erfOverY(y * y));
        double halfErfc = 0.5 * erfcOfAbs(y);
        return x * (x < 0 ? halfErfc : 1 - halfErfc);
    }
}
