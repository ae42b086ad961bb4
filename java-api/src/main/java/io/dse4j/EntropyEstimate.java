package io.dse4j;

import io.dse4j.spi.LanczosSamples;

/**
 * Diffusion Spectral Entropy estimated by stochastic Lanczos quadrature ({@link DiffusionSpectralEntropy.Method#SLQ}),
 * with its error bar, at any diffusion time t from the same samples.
 *
 * <p>With S = Σᵢ|λᵢ|ᵗ and T = Σᵢ|λᵢ|ᵗ·log₂|λᵢ|ᵗ, DSE = log₂ S − T/S. Both traces are split into the deflated
 * eigenvalues (summed exactly) and the remainder R's trace, estimated per probe z as zᵀf(R)z by the midpoint of its
 * Gauss and Gauss–Radau rules. Their mean is corrected by control variates: zᵀRz and zᵀR²z, whose means tr R and
 * tr R² are known exactly, enter a linear regression whose intercept is the estimate (the regression
 * control-variate estimator: Owen, "Monte Carlo theory, methods and examples", 2013, §8.9). The standard error is
 * the jackknife's over the probes, each left out in turn from the fit and the entropy alike, which also covers the
 * fitted coefficients' own noise and the curvature of log₂ S − T/S; its expectation is conservative
 * (Efron &amp; Stein, "The jackknife estimate of variance", Ann. Statist. 9, 1981).
 *
 * <p>{@link #errorBar(double)} is the 95 % half-width: Student's t quantile for the probes' degrees of freedom (the
 * probes less one, less the control variates fitted)
 * times the standard error, plus half the gap between the Gauss and Radau estimates (the quadrature's bound,
 * rigorous for functions whose derivatives alternate in sign on [0, 1], as x·log x does: Golub &amp; Meurant,
 * "Matrices, Moments and Quadrature with Applications", 2010, Theorem 6.4), plus the deflated eigenvalues' own
 * error bound ({@link #deflationBound}), plus N·ε·(log₂(1/ε) + 2) for the ε = 2⁻⁵² that the reference adds to
 * every probability.
 */
public final class EntropyEstimate {

    private static final double LOG2 = Math.log(2);
    /** Two-sided 95 % quantiles of Student's t for 1 … 4 degrees of freedom (beyond, the expansion below). */
    private static final double[] T_QUANTILES = {Double.NaN, 12.706204736174694, 4.302652729749462,
        3.1824463052837078, 2.7764451051977934};

    private final LanczosSamples samples;

    EntropyEstimate(LanczosSamples samples) {
        this.samples = samples;
    }

    /** The estimated DSE in bits at diffusion time t. */
    public double entropy(double t) {
        return evaluate(t).entropy;
    }

    /** The standard error of {@link #entropy(double)} from the probes' spread, in bits. */
    public double standardError(double t) {
        return evaluate(t).standardError;
    }

    /** The half-width, in bits, of the 95 % interval around {@link #entropy(double)} (see the class comment). */
    public double errorBar(double t) {
        Evaluation e = evaluate(t);
        return e.standardError * studentQuantile(e.freedom) + e.quadrature + e.deflation + roundingBound();
    }

    /**
     * The deflation's part of the bar at t, in bits: Σᵢ |∂DSE/∂λᵢ|·rᵢ²/δᵢ over the deflated Ritz values, rᵢ the
     * residual of each and δᵢ its distance to the rest of the spectrum seen (|θ − λ| ≤ r²/δ: Parlett, "The
     * Symmetric Eigenvalue Problem", §11.7).
     */
    public double deflationBound(double t) {
        return evaluate(t).deflation;
    }

    /** Half the gap between the Gauss and Gauss–Radau estimates at t, in bits: the quadrature's part of the bar. */
    public double quadratureBound(double t) {
        return evaluate(t).quadrature;
    }

    /** The number of probe vectors whose Lanczos runs entered the estimate. */
    public int probes() {
        return samples.probes();
    }

    /** Lanczos steps per probe (fewer for a probe whose Krylov space closed). */
    public int lanczosSteps() {
        return samples.steps();
    }

    /** The eigenvalues deflated exactly (the stationary 1 first, then the converged Ritz values, descending). */
    public double[] deflatedEigenvalues() {
        return samples.deflated().clone();
    }

    /** Products with K in all. */
    public int passes() {
        return samples.passes();
    }

    /** Whether K was recomputed tile by tile from the points for every product instead of held in memory. */
    public boolean matrixFree() {
        return samples.matrixFree();
    }

    private double roundingBound() {
        double eps = Spectrum.PROBABILITY_EPSILON;
        return samples.n() * eps * (Math.log(1 / eps) / LOG2 + 2);
    }

    private record Evaluation(double entropy, double standardError, int freedom, double quadrature,
                              double deflation) {
    }

    /**
     * The largest t the estimate answers for: 2 × its Lanczos steps (see {@link #checkTime}); unlimited when no probe
     * was left to run (everything deflated).
     */
    public double maxTime() {
        return samples.steps() == 0 ? Double.POSITIVE_INFINITY : 2.0 * samples.steps();
    }

    /**
     * The quadrature's bracket rests on the signs of the derivatives of order 2L and 2L + 1 of |x|ᵗ·log|x|ᵗ, which
     * for t well beyond 2L are not yet settled: there the Gauss and Radau rules can both miss (measured: L = 4 from
     * t ≈ 10, L = 6 from t ≈ 15). So t is limited to 2L.
     */
    private void checkTime(double t) {
        if (!(t >= 0) || !Double.isFinite(t)) {
            throw new InvalidInputException("t", "must be a finite number ≥ 0, got " + t);
        }
        if (t > maxTime()) {
            throw new InvalidInputException("t", "t = " + t + " is beyond what an SLQ estimate with "
                    + samples.steps() + " Lanczos steps answers for (t ≤ 2 × steps = " + maxTime()
                    + "); raise the steps (slqSteps, --lanczos-steps) to at least " + (int) Math.ceil(t / 2));
        }
    }

    private Evaluation evaluate(double t) {
        checkTime(t);
        double deflatedS = 0;
        double deflatedT = 0;
        for (double v : samples.deflated()) {
            double f = Math.pow(Math.abs(v), t);
            deflatedS += f;
            deflatedT += plogp(f);
        }
        int p = samples.probes();
        double[][] gauss = perProbe(samples.gaussNodes(), samples.gaussWeights(), t);
        double[][] radau = perProbe(samples.radauNodes(), samples.radauWeights(), t);
        double[][] mid = new double[p][2];
        for (int q = 0; q < p; q++) {
            mid[q][0] = 0.5 * (gauss[q][0] + radau[q][0]);
            mid[q][1] = 0.5 * (gauss[q][1] + radau[q][1]);
        }
        int n = samples.n();
        double[][] c = controlVariates();
        int variates = variates(c);
        double[] rest = corrected(mid, c, -1, variates);
        double entropy = entropy(deflatedS + rest[0], deflatedT + rest[1], n);
        // Jackknife over the probes: each left out in turn, the whole estimate (fit and entropy) again.
        double standardError = 0;
        if (p >= 3) {
            double[] left = new double[p];
            double mean = 0;
            for (int q = 0; q < p; q++) {
                double[] r = corrected(mid, c, q, variates);
                left[q] = entropy(deflatedS + r[0], deflatedT + r[1], n);
                mean += left[q] / p;
            }
            double sum = 0;
            for (double h : left) {
                sum += (h - mean) * (h - mean);
            }
            standardError = Math.sqrt(sum * (p - 1) / p);
        } else if (p > 0) {
            standardError = Double.POSITIVE_INFINITY;
        }
        double[] byGauss = corrected(gauss, c, -1, variates);
        double[] byRadau = corrected(radau, c, -1, variates);
        double quadrature = 0.5 * Math.abs(entropy(deflatedS + byGauss[0], deflatedT + byGauss[1], n)
                - entropy(deflatedS + byRadau[0], deflatedT + byRadau[1], n));
        double s = deflatedS + rest[0];
        double tt = deflatedT + rest[1];
        double deflation = 0;
        if (s > 0) {
            double bySum = 1 / (s * LOG2) + tt / (s * s);
            for (int i = 0; i < samples.deflated().length; i++) {
                double r = samples.residuals()[i];
                if (r == 0) {
                    continue;
                }
                double lambda = Math.abs(samples.deflated()[i]);
                double f = Math.pow(lambda, t);
                double df = t == 0 ? 0 : t * f / lambda;                  // d|λ|ᵗ/dλ
                double dplogp = f > 0 ? df * (Math.log(f) / LOG2 + 1 / LOG2) : 0;
                double derivative = Math.abs(df * bySum - dplogp / s);
                if (derivative > 0) {
                    // |θ − λ| ≤ r always, and ≤ r²/gap once the gap to the rest of the spectrum is known.
                    double gap = samples.gaps()[i];
                    deflation += derivative * (gap > r ? r * r / gap : r);
                }
            }
        }
        return new Evaluation(entropy, standardError, Math.max(1, p - 1 - variates), quadrature, deflation);
    }

    /** log₂ S − T/S; 0 when S is 0 (no weight anywhere), clamped to [0, log₂ N]. */
    private static double entropy(double s, double t, int n) {
        if (!(s > 0)) {
            return 0;
        }
        double h = Math.log(s) / LOG2 - t / s;
        if (Double.isNaN(h)) {
            throw new ComputationException("the SLQ estimate's traces are not finite (S = " + s + ", T = " + t + ")");
        }
        return Math.max(0, Math.min(Math.log(n) / LOG2, h));
    }

    /** Per probe, (Σ w·|θ|ᵗ, Σ w·|θ|ᵗ·log₂|θ|ᵗ). */
    private static double[][] perProbe(double[][] nodes, double[][] weights, double t) {
        double[][] out = new double[nodes.length][2];
        for (int q = 0; q < nodes.length; q++) {
            for (int l = 0; l < nodes[q].length; l++) {
                double f = Math.pow(Math.abs(nodes[q][l]), t);
                out[q][0] += weights[q][l] * f;
                out[q][1] += weights[q][l] * plogp(f);
            }
        }
        return out;
    }

    /** Per probe, c − μ: (zᵀRz − tr R, zᵀR²z − tr R²). */
    private double[][] controlVariates() {
        int p = samples.probes();
        double[][] c = new double[p][2];
        for (int q = 0; q < p; q++) {
            c[q][0] = samples.linear()[q] - samples.restTrace();
            c[q][1] = samples.quadratic()[q] - samples.restSquareTrace();
        }
        return c;
    }

    /**
     * How many control variates enter the fit, chosen once from all the probes so that every jackknife replicate
     * fits the same model: both when there are at least 3 probes more than variates and they vary independently
     * (their correlation below 1 − 10⁻¹⁰), only zᵀRz when it varies and there are 3 probes, none otherwise.
     */
    private static int variates(double[][] c) {
        int p = c.length;
        double[] mean = new double[2];
        for (double[] row : c) {
            mean[0] += row[0] / p;
            mean[1] += row[1] / p;
        }
        double s00 = 0;
        double s01 = 0;
        double s11 = 0;
        for (double[] row : c) {
            double d0 = row[0] - mean[0];
            double d1 = row[1] - mean[1];
            s00 += d0 * d0;
            s01 += d0 * d1;
            s11 += d1 * d1;
        }
        if (p >= 5 && s00 > 0 && s11 > 0 && s00 * s11 - s01 * s01 > 1e-10 * s00 * s11) {
            return 2;
        }
        return p >= 4 && s00 > 0 ? 1 : 0;
    }

    /**
     * The control-variate estimate of (tr f(R), tr g(R)) from the probes (all but {@code leftOut}, when ≥ 0): the
     * intercept ȳ − b·c̄ of the least-squares fit of y on the first {@code variates} columns of c − μ (a replicate
     * whose variates do not vary fits none).
     */
    private static double[] corrected(double[][] y, double[][] c, int leftOut, int variates) {
        int count = 0;
        double[] cMean = new double[2];
        double[] yMean = new double[2];
        for (int q = 0; q < y.length; q++) {
            if (q == leftOut) {
                continue;
            }
            count++;
            for (int r = 0; r < 2; r++) {
                cMean[r] += c[q][r];
                yMean[r] += y[q][r];
            }
        }
        if (count == 0) {
            return new double[2];
        }
        for (int r = 0; r < 2; r++) {
            cMean[r] /= count;
            yMean[r] /= count;
        }
        double s00 = 0;
        double s01 = 0;
        double s11 = 0;
        double[] s0y = new double[2];
        double[] s1y = new double[2];
        for (int q = 0; q < y.length; q++) {
            if (q == leftOut) {
                continue;
            }
            double d0 = c[q][0] - cMean[0];
            double d1 = c[q][1] - cMean[1];
            s00 += d0 * d0;
            s01 += d0 * d1;
            s11 += d1 * d1;
            for (int r = 0; r < 2; r++) {
                double dy = y[q][r] - yMean[r];
                s0y[r] += d0 * dy;
                s1y[r] += d1 * dy;
            }
        }
        double det = s00 * s11 - s01 * s01;
        double[] out = new double[2];
        for (int r = 0; r < 2; r++) {
            double b0 = 0;
            double b1 = 0;
            if (variates == 2 && det > 0) {
                b0 = (s11 * s0y[r] - s01 * s1y[r]) / det;
                b1 = (s00 * s1y[r] - s01 * s0y[r]) / det;
            } else if (variates >= 1 && s00 > 0) {
                b0 = s0y[r] / s00;
            }
            out[r] = yMean[r] - b0 * cMean[0] - b1 * cMean[1];
        }
        return out;
    }

    private static double plogp(double f) {
        return f > 0 ? f * Math.log(f) / LOG2 : 0;
    }

    /**
     * The two-sided 95 % quantile of Student's t with ν degrees of freedom: exact values up to 4, beyond the
     * Cornish–Fisher expansion in 1/ν about the normal quantile (Abramowitz &amp; Stegun 26.7.5; within 5·10⁻⁴
     * from ν = 5).
     */
    static double studentQuantile(int freedom) {
        if (freedom < T_QUANTILES.length) {
            return T_QUANTILES[Math.max(1, freedom)];
        }
        double z = 1.959963984540054;
        double z3 = z * z * z;
        double z5 = z3 * z * z;
        double z7 = z5 * z * z;
        double z9 = z7 * z * z;
        double nu = freedom;
        return z + (z3 + z) / (4 * nu) + (5 * z5 + 16 * z3 + 3 * z) / (96 * nu * nu)
                + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * nu * nu * nu)
                + (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * nu * nu * nu * nu);
    }
}
