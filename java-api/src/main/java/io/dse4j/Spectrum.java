package io.dse4j;

import java.util.Arrays;

/**
 * The eigenvalues of a diffusion kernel, sorted in descending order, and the entropy they define. Sweeping the
 * diffusion time t costs O(N) per value: no new decomposition.
 */
public final class Spectrum {

    /** The constant the reference implementation adds to every probability before taking logarithms. */
    public static final double PROBABILITY_EPSILON = 2.220446049250313e-16;

    private final double[] descending;

    private Spectrum(double[] descending) {
        this.descending = descending;
    }

    /** A spectrum of the given eigenvalues (copied, in any order). */
    public static Spectrum of(double[] eigenvalues) {
        if (eigenvalues == null || eigenvalues.length == 0) {
            throw new InvalidInputException("eigenvalues", "must hold at least one value");
        }
        double[] sorted = eigenvalues.clone();
        for (int i = 0; i < sorted.length; i++) {
            if (!Double.isFinite(sorted[i])) {
                throw new InvalidInputException("eigenvalues", "value " + i + " is " + sorted[i]
                        + "; eigenvalues must be finite");
            }
        }
        Arrays.sort(sorted);
        for (int i = 0, j = sorted.length - 1; i < j; i++, j--) {
            double t = sorted[i];
            sorted[i] = sorted[j];
            sorted[j] = t;
        }
        return new Spectrum(sorted);
    }

    /** The number of eigenvalues, N. */
    public int size() {
        return descending.length;
    }

    /** A copy of the eigenvalues, largest first. */
    public double[] eigenvalues() {
        return descending.clone();
    }

    /** The i-th largest eigenvalue (i = 0 is the largest). */
    public double eigenvalue(int i) {
        return descending[i];
    }

    /**
     * Diffusion spectral entropy at diffusion time t, in bits: pᵢ = |λᵢ|ᵗ / Σⱼ|λⱼ|ᵗ, pᵢ ← pᵢ + ε
     * ({@link #PROBABILITY_EPSILON}, as the reference does), H = −Σ pᵢ·log₂ pᵢ.
     *
     * <p>|λ| is divided by max|λ| before the power, which leaves p unchanged and keeps |λ|ᵗ from overflowing for
     * spectra larger than 1 or large t. t = 0 gives every eigenvalue (zeros included, as 0⁰ = 1) the same weight.
     *
     * @param t the diffusion time, finite and ≥ 0 (need not be an integer)
     */
    public double entropy(double t) {
        if (!(t >= 0) || !Double.isFinite(t)) {
            throw new InvalidInputException("t", "must be a finite number ≥ 0, got " + t);
        }
        double max = 0;
        for (double v : descending) {
            max = Math.max(max, Math.abs(v));
        }
        int n = descending.length;
        double[] weights = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double w = max == 0 ? (t == 0 ? 1.0 : 0.0) : Math.pow(Math.abs(descending[i]) / max, t);
            weights[i] = w;
            sum += w;
        }
        if (sum == 0) {
            // All-zero spectrum with t > 0: p is 0/0 in the reference; the uniform distribution is its limit as the
            // eigenvalues shrink together.
            Arrays.fill(weights, 1.0);
            sum = n;
        }
        double entropy = 0;
        for (int i = 0; i < n; i++) {
            double p = weights[i] / sum + PROBABILITY_EPSILON;
            entropy -= p * Math.log(p);
        }
        return entropy / Math.log(2);
    }

    /**
     * The number of eigenvalues whose modulus exceeds {@code floor}, |λᵢ| &gt; floor: the count users of the reference
     * take by hand from its eigenvalues as a numerical rank of the kernel. The modulus, as {@link #entropy} weighs
     * each eigenvalue by |λ|: a negative eigenvalue (from rounding, or a kernel that is not positive semi-definite)
     * counts by its size. The count for Kᵗ, whose eigenvalues are λᵢᵗ, is {@code countAbove(Math.pow(floor, 1 / t))}.
     *
     * @param floor finite and ≥ 0 (0 counts the eigenvalues that are not exactly 0)
     */
    public int countAbove(double floor) {
        checkFloor(floor);
        int count = 0;
        for (double v : descending) {
            if (Math.abs(v) > floor) {
                count++;
            }
        }
        return count;
    }

    /** Refuses a floor of {@link #countAbove} that is negative or not finite. */
    static void checkFloor(double floor) {
        if (!(floor >= 0) || !Double.isFinite(floor)) {
            throw new InvalidInputException("floor", "must be a finite number ≥ 0, got " + floor);
        }
    }

    /**
     * The diffusion time chosen by the rule of thumb that {@code --t auto} names: the smallest integer t ≥ 1 at which
     * at most 1 % of the powered eigenvalues (⌈N/100⌉ of them, or as many as equal the largest modulus, if that is
     * more) stay above 0.01, measured as (|λᵢ| / max|λ|)ᵗ &gt; 0.01 — long enough for the diffusion to have
     * smoothed away all but the leading structure.
     *
     * <p>Computed in closed form: (|λᵢ|/max)ᵗ &gt; 0.01 exactly when t &lt; τᵢ = ln 0.01 / ln(|λᵢ|/max), so the
     * answer is ⌈τ⌉ of the (k+1)-th largest τ, k being the allowed count, and 1 when fewer eigenvalues have one.
     */
    public int autoTime() {
        double max = 0;
        for (double v : descending) {
            max = Math.max(max, Math.abs(v));
        }
        if (max == 0) {
            return 1;
        }
        int n = descending.length;
        int ones = 0;
        double[] thresholds = new double[n];
        int count = 0;
        for (double v : descending) {
            double mu = Math.abs(v) / max;
            if (mu >= 1) {
                ones++;
            } else if (mu > AUTO_LEVEL) {
                thresholds[count++] = Math.log(AUTO_LEVEL) / Math.log(mu);
            }
        }
        int allowed = Math.max((n + 99) / 100, ones) - ones;
        if (count <= allowed) {
            return 1;
        }
        Arrays.sort(thresholds, 0, count);
        double tau = thresholds[count - 1 - allowed];    // the (allowed + 1)-th largest
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.ceil(tau)));
    }

    /** The level below which {@link #autoTime()} counts a powered eigenvalue as gone. */
    private static final double AUTO_LEVEL = 0.01;

    @Override
    public String toString() {
        return "Spectrum[n=" + size() + ", λmax=" + descending[0] + ", λmin=" + descending[size() - 1] + "]";
    }
}
