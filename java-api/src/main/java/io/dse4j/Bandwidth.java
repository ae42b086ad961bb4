package io.dse4j;

import java.util.Locale;

/**
 * How the Gaussian kernel's bandwidth σ is chosen: a number (the reference's default, 10), or from the points used —
 * {@link #median()}, the median pairwise distance (computed exactly up to {@link #MEDIAN_EXACT_UP_TO} points, on a
 * seeded sample of that many above), or {@link #knn(int) knn(k)}, the mean distance of the points to their k-th
 * nearest neighbour. The σ a computation used is its result's {@code sigma()}.
 *
 * <p>The data-driven rules run on the CPU whatever the backend, tile by tile (O(N·D) memory): the median costs two
 * or three Gram products, k-NN one full product, next to the decomposition's O(N³).
 */
public final class Bandwidth {

    /** The most points the median is computed on exactly; above, on a seeded subsample of this many. */
    public static final int MEDIAN_EXACT_UP_TO = 10_000;

    private enum Rule { FIXED, MEDIAN, KNN }

    private final Rule rule;
    private final double sigma;
    private final int k;

    private Bandwidth(Rule rule, double sigma, int k) {
        this.rule = rule;
        this.sigma = sigma;
        this.k = k;
    }

    /** σ itself: finite and &gt; 0. */
    public static Bandwidth of(double sigma) {
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new InvalidInputException("sigma", "must be a finite number > 0, got " + sigma);
        }
        return new Bandwidth(Rule.FIXED, sigma, 0);
    }

    /** σ = the median of the distances between the points used. */
    public static Bandwidth median() {
        return new Bandwidth(Rule.MEDIAN, Double.NaN, 0);
    }

    /** σ = the mean over the points of the distance to their k-th nearest other point; k ≥ 1 (and below N). */
    public static Bandwidth knn(int k) {
        if (k < 1) {
            throw new InvalidInputException("sigma", "knn:K needs K ≥ 1, got " + k);
        }
        return new Bandwidth(Rule.KNN, Double.NaN, k);
    }

    /**
     * A number, {@code median} or {@code knn:K}, as the command line takes them.
     *
     * @param number parses the number form (the command line's strict decimal syntax)
     */
    public static Bandwidth parse(String text, java.util.function.ToDoubleFunction<String> number) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("median")) {
            return median();
        }
        if (t.startsWith("knn:")) {
            String digits = t.substring(4);
            if (!digits.matches("\\d{1,9}")) {
                throw new InvalidInputException("sigma", "knn:K needs a whole number K ≥ 1, got '" + text + "'");
            }
            return knn(Integer.parseInt(digits));
        }
        return of(number.applyAsDouble(text));
    }

    /** Whether σ is a given number. */
    public boolean isFixed() {
        return rule == Rule.FIXED;
    }

    /** The number σ of a fixed bandwidth. */
    public double sigma() {
        if (rule != Rule.FIXED) {
            throw new IllegalStateException("a " + label() + " bandwidth has no σ before it sees the points");
        }
        return sigma;
    }

    boolean isMedian() {
        return rule == Rule.MEDIAN;
    }

    int neighbours() {
        return k;
    }

    /** "median", "knn:K", or the number. */
    public String label() {
        return switch (rule) {
            case FIXED -> Double.toString(sigma);
            case MEDIAN -> "median";
            case KNN -> "knn:" + k;
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bandwidth b && b.rule == rule && Double.compare(b.sigma, sigma) == 0 && b.k == k;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(rule, sigma, k);
    }

    @Override
    public String toString() {
        return label();
    }
}
