package io.dse4j;

import io.dse4j.internal.BackendRouter;

import java.util.Arrays;

/**
 * RankMe and the von Neumann entropy of a representation Z (N×D, one row per input): the two measures of its linear
 * spectrum that DSE is most often compared with. Both are functions of Z's singular values σ₁ ≥ … ≥ σₘ ≥ 0,
 * m = min(N, D), which {@link #of} obtains once; the two measures and the singular values are then read from the
 * instance at no further cost (a tracking loop calls {@code of} once per checkpoint).
 *
 * <ul>
 *   <li><b>RankMe</b> (Garrido, Balestriero, Najman &amp; LeCun, "RankMe: Assessing the downstream performance of
 *       pretrained self-supervised representations by their rank", ICML 2023, eq. 1):
 *       pₖ = σₖ / ‖σ‖₁ + ε, RankMe(Z) = exp(−Σₖ pₖ·ln pₖ), over all m singular values (a zero one then adds
 *       −ε·ln ε ≈ 1.6e-6 to the sum), with the paper's ε = {@value #RANKME_EPSILON}. An effective rank, from about 1
 *       to m; not in bits.</li>
 *   <li><b>von Neumann entropy</b> of the trace-normalised Gram matrix of the linear kernel, the matrix-based Rényi
 *       entropy at α = 1 (Sánchez Giraldo, Rao &amp; Príncipe, "Measures of entropy from data using infinitely
 *       divisible kernels", IEEE Trans. Inf. Theory 61(1), 2015): G = Z·Zᵀ, A = G / tr G,
 *       S(A) = −Σᵢ λᵢ·log₂ λᵢ over A's eigenvalues (0·log 0 = 0, no ε), in bits as DSE is. A's eigenvalues are
 *       σᵢ² / Σσ², so S lies in [0, log₂ rank Z].</li>
 * </ul>
 *
 * <p><b>Z is not centred.</b> RankMe's paper takes the singular values of the embeddings as they are; the von
 * Neumann entropy here follows it, so that both read one spectrum (a common offset of the rows then shows as one large
 * singular value). Centre the rows first for the spectrum of the covariance.
 *
 * <p><b>How.</b> The nonzero σₖ² are the nonzero eigenvalues both of ZᵀZ (D×D) and of Z·Zᵀ (N×N); the smaller one
 * (order m) is formed by the packed product that builds DSE's kernel and decomposed by the library's CPU symmetric
 * eigensolver (Householder tridiagonalisation, then implicit QL): O(N·D·m + m³) work, m² doubles. Before the product Z
 * is multiplied by the power of two that brings its largest |value| into [1, 2): exact, and without it the product
 * overflows for values near 1e155 and underflows to 0 for values near 1e-162. Both measures are scale-invariant, and
 * {@link #singularValues()} undoes the scaling.
 *
 * <p><b>Rounding.</b> The eigenvalues carry an absolute error of the order of max(N, D)·u·λ₁ (u = 2⁻⁵³: the
 * product's sums of N or D terms, then the eigensolver's backward error), so an exact zero — a rank-deficient Z,
 * duplicated rows — comes out as a few ulps of λ₁ either side of 0, and a negative one has no square root. Every
 * eigenvalue at or below max(N, D)·u·λ₁ is therefore taken as 0 (negative ones included);
 * this is the resolution of the Gram route: singular values below about √(max(N, D)·u)·σ₁ (≈ 1e-6·σ₁ at N = 10000)
 * cannot be told from 0 in ZᵀZ. RankMe's ε of 1e-7 is of the order of what such a singular value could add to pₖ;
 * the von Neumann entropy's terms at that level are below 1e-10 bits.
 *
 * <p>An all-zero Z (in the rows used) has no spectrum to normalise — both measures are 0/0 there and change with no
 * scale — so it is refused, as are NaN, infinities, no row and no column ({@link InvalidInputException} naming
 * {@code matrix}).
 */
public final class LinearSpectrumMeasures {

    /** RankMe's ε, added to every pₖ: the value of the paper's pseudo-code. */
    public static final double RANKME_EPSILON = 1e-7;

    /** u, the unit roundoff of double: half the spacing of doubles at 1. */
    private static final double UNIT_ROUNDOFF = 0x1p-53;

    private final int n;
    private final int d;
    /** σₖ² of Z·2^−scale, descending, rounding set to 0; at least one is positive. */
    private final double[] squares;
    private final int scale;
    private final double rankMe;
    private final double vonNeumannEntropy;

    private LinearSpectrumMeasures(int n, int d, double[] squares, int scale) {
        this.n = n;
        this.d = d;
        this.squares = squares;
        this.scale = scale;
        this.rankMe = rankMeOf(squares);
        this.vonNeumannEntropy = vonNeumannEntropyOf(squares);
    }

    /** The spectrum of all rows of {@code z}, on as many threads as {@code -Ddse4j.threads}, else every processor. */
    public static LinearSpectrumMeasures of(Matrix z) {
        return of(z, null, 0);
    }

    /**
     * The spectrum of the given rows of {@code z}, in that order (all rows when null; a row given twice counts twice),
     * on {@code threads} CPU threads. Interrupting the calling thread stops it with
     * {@link ComputationInterruptedException} (at the product's next tile, or once the eigenvalues are found).
     *
     * @param rows    row indices of {@code z}, or null for all; not modified
     * @param threads CPU worker threads, 1 to 32767, or 0 for {@code -Ddse4j.threads}, else every processor
     * @throws InvalidInputException for no row or column, a row index out of range, NaN or infinite values, or an
     *                               all-zero Z
     */
    public static LinearSpectrumMeasures of(Matrix z, int[] rows, int threads) {
        if (threads != 0) {
            MeasureOptions.builder().threads(threads);   // argument check
        }
        if (z == null) {
            throw new InvalidInputException("matrix", "must not be null");
        }
        int n = rows == null ? z.rows() : rows.length;
        int d = z.cols();
        if (n < 1 || d < 1) {
            throw new InvalidInputException("matrix", "needs at least 1 row and 1 column, got " + n + "×" + d);
        }
        if (rows != null) {
            for (int row : rows) {
                if (row < 0 || row >= z.rows()) {
                    throw new InvalidInputException("rows", "index " + row + " is outside the matrix's "
                            + z.rows() + " rows");
                }
            }
        }
        double[] values = PreparedPoints.columnMajor(z, rows);
        double largest = 0;
        for (double v : values) {
            largest = Math.max(largest, Math.abs(v));
        }
        if (largest == 0) {
            throw new InvalidInputException("matrix", "every value " + (rows == null ? "" : "of the rows used ")
                    + "is 0: its singular values are all 0, and RankMe and the von Neumann entropy (which normalise "
                    + "them) are undefined");
        }
        // The exponent of a subnormal largest value is read after scaling it into the normal range.
        int scale = largest >= Double.MIN_NORMAL ? Math.getExponent(largest)
                : Math.getExponent(Math.scalb(largest, 64)) - 64;
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.scalb(values[i], -scale);
        }
        // Gram side: the n×n Z·Zᵀ of the rows, whose coordinates are column-major already. Covariance side: ZᵀZ is
        // the Gram matrix of Z's d columns, whose coordinates (one per row) are Z row-major.
        int workers = BackendOpening.resolveThreads(threads, BackendOpening.systemProperties());
        double[] eigenvalues = n <= d
                ? BackendRouter.gramEigenvaluesOnCpu(values, n, d, workers)
                : BackendRouter.gramEigenvaluesOnCpu(PreparedPoints.rowMajor(values, n, d), d, n, workers);
        // The tridiagonal iteration has no checks of its own: an interrupt during it stops the call here.
        io.dse4j.spi.Cancellation.checkInterrupted();
        return new LinearSpectrumMeasures(n, d, descendingAboveRounding(eigenvalues, Math.max(n, d)), scale);
    }

    /** RankMe of all rows of {@code z}; see {@link #rankMe()}. */
    public static double rankMe(Matrix z) {
        return of(z).rankMe();
    }

    /** The von Neumann entropy of all rows of {@code z}, in bits; see {@link #vonNeumannEntropy()}. */
    public static double vonNeumannEntropy(Matrix z) {
        return of(z).vonNeumannEntropy();
    }

    /**
     * The eigenvalues, ascending, as σ² descending with those at the rounding level (see the class comment) set to 0.
     */
    private static double[] descendingAboveRounding(double[] ascending, int size) {
        int m = ascending.length;
        double[] out = new double[m];
        double level = size * UNIT_ROUNDOFF * ascending[m - 1];
        for (int k = 0; k < m; k++) {
            double v = ascending[m - 1 - k];
            out[k] = v > level ? v : 0;
        }
        return out;
    }

    private static double rankMeOf(double[] squares) {
        double[] sigma = new double[squares.length];
        double sum = 0;
        for (int k = squares.length - 1; k >= 0; k--) {   // smallest first, for the sum's accuracy
            sigma[k] = Math.sqrt(squares[k]);
            sum += sigma[k];
        }
        double entropy = 0;
        for (double s : sigma) {
            double p = s / sum + RANKME_EPSILON;
            entropy -= p * Math.log(p);
        }
        return Math.exp(entropy);
    }

    private static double vonNeumannEntropyOf(double[] squares) {
        double trace = 0;
        for (int k = squares.length - 1; k >= 0; k--) {
            trace += squares[k];
        }
        double entropy = 0;
        for (double s : squares) {
            if (s > 0) {
                double lambda = s / trace;
                entropy -= lambda * Math.log(lambda);
            }
        }
        return Math.max(0, entropy / Math.log(2));
    }

    /**
     * RankMe(Z) = exp(−Σₖ pₖ·ln pₖ), pₖ = σₖ / ‖σ‖₁ + {@value #RANKME_EPSILON}, over all min(N, D) singular values:
     * the effective rank, about 1 for one nonzero singular value and r for r equal ones (less by ε's effect, below
     * 1e-5 relative).
     */
    public double rankMe() {
        return rankMe;
    }

    /**
     * The von Neumann entropy S(Z·Zᵀ / tr) = −Σᵢ λᵢ·log₂ λᵢ, λᵢ = σᵢ² / Σσ², in bits: 0 for one nonzero singular
     * value, log₂ r for r equal ones.
     */
    public double vonNeumannEntropy() {
        return vonNeumannEntropy;
    }

    /** Z's min(N, D) singular values, largest first, as the Gram route gives them (those at rounding level are 0). */
    public double[] singularValues() {
        double[] out = new double[squares.length];
        Arrays.setAll(out, k -> Math.scalb(Math.sqrt(squares[k]), scale));
        return out;
    }

    /** The number of singular values above the rounding level: Z's numerical rank by the Gram route. */
    public int rank() {
        int rank = 0;
        while (rank < squares.length && squares[rank] > 0) {
            rank++;
        }
        return rank;
    }

    /** The number of rows used, N. */
    public int n() {
        return n;
    }

    /** The number of columns, D. */
    public int d() {
        return d;
    }

    @Override
    public String toString() {
        return "LinearSpectrumMeasures[n=" + n + ", d=" + d + ", rank=" + rank() + ", rankMe=" + rankMe
                + ", vonNeumannEntropy=" + vonNeumannEntropy + "]";
    }
}
