package io.dse4j.internal.cpu;

/**
 * Squared distances d²ᵢⱼ = ‖xᵢ − xⱼ‖² from the dot products of the packed Gram pass, exact to the rounding of the
 * working precision whatever the layout of the points.
 *
 * <p>The Gram expansion d̂² = ‖xᵢ‖² + ‖xⱼ‖² − 2xᵢ·xⱼ (of the points centred at their mean) is what makes the
 * distances a matrix product, but its three terms carry rounding errors of the order of ε·(‖xᵢ‖² + ‖xⱼ‖²): when
 * that sum is large against d² — two close points far from the centre, which one far outlier (it moves the mean)
 * or two far clusters make of every pair — the subtraction cancels those digits away and d̂² is noise (40 points
 * of scale 3 and one at 1e9 gave a DSE of 1.8929 instead of 1.8853; two distinct points near 2⁶⁴ came out
 * identical). Such an entry is recomputed by differences of the original (uncentred) coordinates, Σₖ (xᵢₖ − xⱼₖ)²,
 * which cannot cancel — the centred ones may have lost the digits that tell two points apart:
 * <pre>
 *   recomputed when  ‖xᵢ‖² + ‖xⱼ‖² &gt; {@value #CANCELLATION}·d̂²   (more than two bits lost)
 *             and   d̂² − 2⁻²⁰·(‖xᵢ‖² + ‖xⱼ‖²) ≤ visible            (the kernel could see it)
 * </pre>
 * so that what is kept from the Gram expansion has lost at most two bits to cancellation. For points spread about
 * their centre the norms' sum is of the size of d² and (almost) nothing is recomputed; the cost is paid only where
 * the expansion would be wrong, and only for entries the kernel can see: {@code visible} is the d² beyond which
 * exp(−d²/2σ²) underflows (infinite for the σ rules and neighbour searches, which read every distance). 2⁻²⁰
 * bounds the expansion's relative error generously in either precision, so that no visible entry is skipped for
 * an error-inflated d̂².
 *
 * <p>The differences read the points' original coordinates, row-major, so that one entry costs D contiguous reads
 * (for points without a separate original, a row-major copy of their values made at the first recomputation). Thread-safe; the result of an entry does not depend
 * on which thread computes it.
 */
final class SquaredDistances {

    /** Recompute when the norms' sum exceeds this multiple of d̂². */
    static final double CANCELLATION = 4.0;

    /** A generous bound on the Gram expansion's error relative to the norms' sum, in f64 or f32 storage. */
    private static final double EXPANSION_ERROR = 0x1p-20;

    private final io.dse4j.spi.Points points;
    private final VectorOps<double[]> ops;
    private final double[] norms;
    private final double visible;
    private volatile double[] rows;

    /**
     * @param ops     the double operations that form a recomputed distance ({@link VectorOps#squaredDistance})
     * @param points  the points of the Gram pass, with their original coordinates ({@link io.dse4j.spi.Points})
     * @param norms   ‖xᵢ‖² of the points' (centred) values, as the Gram pass's partner
     * @param visible the largest d² whose entry the caller can see ({@link #visibleFor}), or +∞
     */
    SquaredDistances(VectorOps<double[]> ops, io.dse4j.spi.Points points, double[] norms, double visible) {
        this.ops = ops;
        this.points = points;
        this.norms = norms;
        this.visible = visible;
    }

    /** Every distance matters (σ rules, neighbour searches). */
    static SquaredDistances all(VectorOps<double[]> ops, io.dse4j.spi.Points points) {
        return new SquaredDistances(ops, points,
                DiffusionKernel.squaredNorms(points.values(), points.n(), points.dims()), Double.POSITIVE_INFINITY);
    }

    /**
     * The d² beyond which a kernel entry exp(d²·{@code scale}) (scale = −1/2σ²) is 0 once stored in the given
     * precision: in double below e^−745.1, in float below 2^−149 = e^−103.3 (760 and 110 with a margin).
     */
    static double visibleFor(double scale, io.dse4j.Precision storage) {
        double limit = storage == io.dse4j.Precision.F32 ? 110.0 : 760.0;
        return scale == 0 ? Double.POSITIVE_INFINITY : limit / Math.abs(scale);
    }

    /** d²ᵢⱼ (i ≠ j) from the dot product xᵢ·xⱼ of the Gram pass, recomputed by differences where it cancels. */
    double of(double dot, int i, int j) {
        double sum = norms[i] + norms[j];
        double d2 = sum - 2.0 * dot;
        if (sum > CANCELLATION * d2 && d2 - EXPANSION_ERROR * sum <= visible) {
            return byDifferences(i, j);
        }
        return d2;   // here d2 ≥ sum/4 ≥ 0
    }

    /** Σₖ (xᵢₖ − xⱼₖ)² of the original coordinates (no cancellation: every term is non-negative). */
    double byDifferences(int i, int j) {
        int dims = points.dims();
        return ops.squaredDistance(rowMajor(), i * dims, j * dims, dims);
    }

    /** The original coordinates, row-major (point i's at [i·D, (i+1)·D)): the points' own, or a copy of the values. */
    private double[] rowMajor() {
        if (points.original() != null) {
            return points.original();
        }
        double[] r = rows;
        if (r == null) {
            synchronized (this) {
                r = rows;
                if (r == null) {
                    int n = points.n();
                    int dims = points.dims();
                    r = new double[Math.multiplyExact(n, dims)];
                    for (int i = 0; i < n; i++) {
                        for (int k = 0; k < dims; k++) {
                            r[i * dims + k] = points.originalAt(i, k);
                        }
                    }
                    rows = r;
                }
            }
        }
        return r;
    }
}
