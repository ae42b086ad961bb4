package io.dse4j;

import io.dse4j.internal.BackendRouter;
import io.dse4j.spi.KernelShape;
import io.dse4j.spi.Points;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleBiFunction;

/**
 * The kernel a DSE is taken of, for a computation's points: σ by its rule (a number, the median distance, the mean
 * distance to the k-th neighbour), the shape (adaptive or α-decay bandwidths σᵢ, the α-normalisation), and the
 * warning when σ or α made the kernel degenerate. The neighbour distances are computed on the CPU.
 */
final class KernelShaping {

    private final MeasureOptions options;
    private final BackendRouter router;

    KernelShaping(MeasureOptions options, BackendRouter router) {
        this.options = options;
        this.router = router;
    }

    /**
     * The kernel's shape for these points: the standard one, or per-point bandwidths (the distance to the k-th
     * neighbour, computed on the CPU) with the α-decay exponent, and the α-normalisation.
     */
    KernelShape shapeFor(Points points) {
        int adaptiveK = options.adaptiveNeighbours();
        if (adaptiveK == 0 && options.alpha() == 0) {
            return KernelShape.STANDARD;
        }
        double[] bandwidths = null;
        if (adaptiveK > 0) {
            int n = points.n();
            if (adaptiveK >= n) {
                throw new InvalidInputException("kernel", label() + " needs fewer neighbours than the " + n
                        + " points used; give K below " + n);
            }
            bandwidths = router.kthNeighbourDistances(points, adaptiveK);
            for (int i = 0; i < n; i++) {
                if (!(bandwidths[i] > 0)) {
                    throw new InvalidInputException("kernel", label() + ": point " + i + " (0-based) has "
                            + adaptiveK + " or more other points at distance 0, so its bandwidth σᵢ would be 0; "
                            + "raise K or remove duplicate points");
                }
            }
        }
        return new KernelShape(bandwidths, options.decayExponent(), options.alpha());
    }

    /** The kernel's form in words, for messages and the selection. */
    String label() {
        int adaptiveK = options.adaptiveNeighbours();
        double decay = options.decayExponent();
        String form = adaptiveK == 0 ? "the Gaussian kernel" : decay == 0 ? "the adaptive kernel (σᵢ = distance to "
                + "neighbour " + adaptiveK + ")" : "the α-decay kernel (σᵢ = distance to neighbour " + adaptiveK
                        + ", exponent " + decay + ")";
        return options.alpha() == 0 ? form : form + " with α-normalisation α = " + options.alpha();
    }

    /** The σ a result reports: the mean σᵢ of an adaptive shape, else σ by its rule. */
    double sigmaFor(Points points, KernelShape shape) {
        if (shape.bandwidths() == null) {
            return sigmaFor(points);
        }
        double sum = 0;
        for (double v : shape.bandwidths()) {
            sum += v;
        }
        return sum / shape.bandwidths().length;
    }

    /**
     * σ for these points: the given number, or the data-driven {@link Bandwidth}'s value computed on the CPU (the
     * median on a seeded subsample of {@link Bandwidth#MEDIAN_EXACT_UP_TO} points when there are more).
     */
    double sigmaFor(Points points) {
        Bandwidth bandwidth = options.bandwidth();
        if (bandwidth.isFixed()) {
            return bandwidth.sigma();
        }
        int n = points.n();
        double value;
        String what;
        if (bandwidth.isMedian()) {
            value = medianDistance(points);
            what = "the median distance between the points";
        } else {
            int k = bandwidth.neighbours();
            if (k >= n) {
                throw new InvalidInputException("sigma", "knn:" + k + " needs fewer neighbours than the " + n
                        + " points used; give K below " + n);
            }
            value = router.meanKthNeighbourDistance(points, k);
            what = "the mean distance to the " + k + "-th nearest neighbour";
        }
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new InvalidInputException("sigma", bandwidth.label() + ": " + what + " is " + value
                    + " (the points coincide); give σ as a number");
        }
        return value;
    }

    /** The median distance between the points: exact up to MEDIAN_EXACT_UP_TO of them, on a seeded sample above. */
    private double medianDistance(Points points) {
        int n = points.n();
        return router.medianDistance(n > Bandwidth.MEDIAN_EXACT_UP_TO
                ? points.subset(Subsampling.subsample(n, Bandwidth.MEDIAN_EXACT_UP_TO, options.seed())) : points);
    }

    /**
     * Warnings for a kernel that σ or α made degenerate, judged from its DSE at t = 1 ({@code atOne}): DSE within 2 %
     * of log₂ N (nearly every off-diagonal entry underflowed: K ≈ I) or below 0.02 bits (nearly all entries equal: K
     * has rank about one). With the α-normalisation, the same test on the kernel without it says which is the cause:
     * when that kernel is not degenerate, the warning names α; else, as without α, it names σ and the σ that
     * {@link Bandwidth#median()} picks, computed only then.
     *
     * @param withoutAlpha DSE at t = 1 of the Gaussian kernel at a σ without the α-normalisation, by the same method
     */
    List<String> degenerate(double atOne, Points points, double sigma,
                            ToDoubleBiFunction<Points, Double> withoutAlpha) {
        int n = points.n();
        if (n < 8) {
            return List.of();
        }
        double most = Math.log(n) / Math.log(2);
        boolean identity = atOne > 0.98 * most;
        if (!identity && !(atOne < 0.02)) {
            return List.of();
        }
        double alpha = options.alpha();
        if (alpha != 0) {
            // D^−α·G·D^−α weighs each pair by its points' degrees to the power −α, so a large α alone can make a
            // kernel degenerate that σ does not (measured: 100 Gaussian points in 3-D, σ = 1, α = 60: 0.002 bits,
            // against 4.4 without α), and then no σ advice helps. One more kernel and spectrum, only when warning.
            double plain = withoutAlpha.applyAsDouble(points, sigma);
            if (!(plain > 0.98 * most) && !(plain < 0.02)) {
                return List.of(String.format(Locale.ROOT, "the kernel %s with α-normalisation α = %s (DSE "
                        + "at t = 1 is %.4f bits%s), and α is the cause, not σ: without α, at the same σ = %s, DSE "
                        + "at t = 1 is %.4f bits. D^−α·G·D^−α weighs each pair by its points' degrees to the power "
                        + "−α, so a large α lets a few points take nearly all the weight; lower α (--alpha)",
                        identity ? "is nearly the identity" : "has rank about one", alpha, atOne,
                        identity ? String.format(Locale.ROOT, " of log₂ N = %.4f", most) : "", sigma, plain));
            }
        }
        String problem;
        if (identity) {
            problem = String.format(Locale.ROOT, "the kernel is nearly the identity at σ = %s (DSE at "
                    + "t = 1 is %.4f of log₂ N = %.4f bits): nearly every pair of points is many σ apart, so DSE "
                    + "only counts the points", sigma, atOne, most);
        } else {
            problem = String.format(Locale.ROOT, "the kernel has rank about one at σ = %s (DSE at t = 1 "
                    + "is %.4f bits): nearly every pair of points is within a small fraction of σ, so DSE sees one "
                    + "cluster", sigma, atOne);
        }
        if (options.bandwidth().isMedian()) {
            return List.of(problem + " even with σ = the median distance");
        }
        double median = medianDistance(points);
        return List.of(String.format(Locale.ROOT, "%s; the median distance between the points is %.6g: "
                + "try sigma = median (--sigma median)", problem, median));
    }
}
