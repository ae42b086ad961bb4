package io.dse4j.internal.cpu;

import io.dse4j.Precision;

/**
 * The diffusion-maps α-normalisation (Coifman &amp; Lafon, "Diffusion maps", Appl. Comput. Harmon. Anal. 21, 2006,
 * §2.1) followed by the symmetric one, in a form that cannot over- or underflow.
 *
 * <p>With f = d^−α (d the degrees of G) the normalised kernel is G_α = F·G·F, whose degrees are
 * d_α = F·(G·f), so that
 * <pre>
 *   K = D_α^−½·G_α·D_α^−½ = U·G·U,   uᵢ² = fᵢ / (G·f)ᵢ ≤ 1   (Gᵢᵢ = 1).
 * </pre>
 * Formed directly, d^−α underflows (or the products fᵢ·Gᵢⱼ·fⱼ do) once α·ln max d passes a few hundred — at
 * α = 200 for any N, since every degree is at least 1 — and 0/0 follows. Whether it can is decided from the
 * degrees ({@link #direct}); when it can, u is computed in logarithms instead:
 * ln uᵢ² = −α·ln dᵢ − LSEⱼ(ln Gᵢⱼ − α·ln dⱼ), the log-sum-exp taken online ({@link RowLogSums}). Entries of G that
 * underflowed to 0 are zero in this kernel as in the plain one (the kernel is the computed G).
 */
final class AlphaNormalisation {

    private AlphaNormalisation() {
    }

    /**
     * Whether G_α can be formed directly with f = d^−α: its smallest diagonal entry (max d)^−2α must stay a
     * normal number of the storage precision with the digits of the entries beside it — 2⁻⁹⁰⁰ in double; in
     * float, whose normal range ends at 2⁻¹²⁶, 2⁻¹⁰⁰.
     */
    static boolean direct(double[] degrees, double alpha, Precision storage) {
        double max = 1.0;
        for (double d : degrees) {
            max = Math.max(max, d);
        }
        double limit = storage == Precision.F32 ? 100 : 900;
        return 2.0 * alpha * (Math.log(max) / Math.log(2.0)) <= limit;
    }

    /**
     * f = d^−α scaled by (min d)^α, so that its largest factor is 1: F·G·F for a kernel that is not symmetrically
     * normalised afterwards (whose entropy of |λ|ᵗ / Σ|λ|ᵗ does not see a common factor), formed without the
     * underflow of d^−α itself; factors still below the double range are those of degrees whose weight is then
     * below 2⁻¹⁰²² of the largest.
     */
    static double[] rescaledFactors(double[] degrees, double alpha) {
        double smallest = Double.POSITIVE_INFINITY;
        for (double d : degrees) {
            smallest = Math.min(smallest, d);
        }
        double logSmallest = Math.log(smallest);
        double[] out = new double[degrees.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.exp(-alpha * (Math.log(degrees[i]) - logSmallest));
        }
        return out;
    }

    /** f = d^−α as it is, when {@link #direct} says it stays in range. */
    static double[] plainFactors(double[] degrees, double alpha) {
        double[] out = new double[degrees.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.pow(degrees[i], -alpha);
        }
        return out;
    }

    /** −α·ln dᵢ for every degree. */
    static double[] logFactors(double[] degrees, double alpha) {
        double[] out = new double[degrees.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = -alpha * Math.log(degrees[i]);
        }
        return out;
    }

    /**
     * From the row log-sums ln (G·f)ᵢ: the symmetric scaling uᵢ = exp(½·(ln fᵢ − ln (G·f)ᵢ)) of K = U·G·U, and, in
     * {@code degrees}, the degrees of G_α up to one common factor (exp(ln fᵢ + ln (G·f)ᵢ − max)), which is all the
     * stationary vector √d_α / ‖√d_α‖ needs.
     */
    static double[] scaling(double[] logFactors, double[] logRowSums, double[] degrees) {
        int n = logFactors.length;
        double[] u = new double[n];
        double top = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            u[i] = Math.exp(0.5 * (logFactors[i] - logRowSums[i]));
            top = Math.max(top, logFactors[i] + logRowSums[i]);
        }
        for (int i = 0; i < n; i++) {
            degrees[i] = Math.exp(logFactors[i] + logRowSums[i] - top);
        }
        return u;
    }

    /**
     * Online log-sum-exp of many terms per row, as a running maximum m and a sum s of exp(term − m) (rescaled
     * when a larger term arrives), so that no exponential over- or underflows before the end; several accumulators
     * (one per worker part) merge exactly.
     */
    static final class RowLogSums {
        private final double[] max;
        private final double[] sum;

        RowLogSums(int n) {
            max = new double[n];
            sum = new double[n];
            java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        }

        /**
         * Adds the term exp(t) to row i; t = −∞ (an entry of G that is 0) adds nothing — tested first, since on a row
         * with no term yet (max −∞) exp(t − max) would be exp(NaN).
         */
        void add(int i, double t) {
            if (t == Double.NEGATIVE_INFINITY) {
                return;
            }
            double m = max[i];
            if (t <= m) {
                sum[i] += Math.exp(t - m);
            } else {
                sum[i] = sum[i] * Math.exp(m - t) + 1.0;
                max[i] = t;
            }
        }

        /** ln Σ exp(terms) per row over all the parts, merged in part order. */
        static double[] merge(RowLogSums[] parts, int n) {
            double[] out = new double[n];
            for (int i = 0; i < n; i++) {
                double m = Double.NEGATIVE_INFINITY;
                for (RowLogSums p : parts) {
                    if (p != null) {
                        m = Math.max(m, p.max[i]);
                    }
                }
                double s = 0;
                for (RowLogSums p : parts) {
                    if (p != null && p.max[i] != Double.NEGATIVE_INFINITY) {
                        s += p.sum[i] * Math.exp(p.max[i] - m);
                    }
                }
                out[i] = m + Math.log(s);
            }
            return out;
        }
    }
}
