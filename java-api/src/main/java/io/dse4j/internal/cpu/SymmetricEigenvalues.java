package io.dse4j.internal.cpu;

import io.dse4j.spi.StageClock;

/**
 * Eigenvalues of a dense real symmetric matrix: a reduction to tridiagonal form in the working precision, then
 * {@link TridiagonalEigenvalues} in double (LAPACK's {@code dsyevd} without eigenvectors). Two reductions:
 * <ul>
 *   <li>one-stage, {@link TridiagonalReduction} ({@code dsytrd}), below {@link #TWO_STAGE_FROM};</li>
 *   <li>two-stage from there ({@code dsytrd_2stage}): {@link BandReduction} to bandwidth {@link #BAND} with
 *       matrix-matrix work only, then {@link BandToTridiagonal} by bulge chasing on the band in double.</li>
 * </ul>
 */
final class SymmetricEigenvalues<A> {

    /**
     * From this order on the two-stage reduction is used: measured (benchmarks/RESULTS.md, 2026-12-01) slower than
     * the one-stage at N = 2000, about 15% faster at N = 4000.
     */
    static final int TWO_STAGE_FROM = 3000;

    /** Bandwidth of the two-stage reduction's intermediate band matrix. */
    static final int BAND = 32;

    private final VectorOps<A> ops;
    private final TridiagonalReduction<A> oneStage;
    private final BandReduction<A> toBand;
    private final int twoStageFrom;
    private final int band;
    private final Workers workers;

    SymmetricEigenvalues(VectorOps<A> ops, Workers workers) {
        this(ops, workers, TWO_STAGE_FROM, BAND);
    }

    /** With the switch-over order and the bandwidth given: tests run the two-stage path at every size. */
    SymmetricEigenvalues(VectorOps<A> ops, Workers workers, int twoStageFrom, int band) {
        this.ops = ops;
        this.oneStage = new TridiagonalReduction<>(ops, workers);
        this.toBand = new BandReduction<>(ops, workers);
        this.twoStageFrom = twoStageFrom;
        this.workers = workers;
        this.band = band;
    }

    /**
     * The eigenvalues, ascending, of the symmetric matrix held in the lower triangle of {@code a} (column-major,
     * n×n), which is destroyed. When {@code clock} is given, the stages are lapped: "tridiagonal" (one-stage) or
     * "band" and "tridiagonal" (two-stage), then "eigenvalues".
     *
     * @throws ArithmeticException if the tridiagonal iteration does not converge
     */
    double[] eigenvalues(A a, int n, StageClock clock) {
        double[] d = new double[n];
        double[] e = new double[Math.max(1, n - 1)];
        if (n >= twoStageFrom) {
            toBand.reduce(a, n, band);
            if (clock != null) {
                clock.lap("band");
            }
            BandToTridiagonal.reduce(BandToTridiagonal.extractBand(ops, a, n, band), n, band, d, e, workers);
        } else {
            oneStage.reduce(a, n, d, e, new double[Math.max(1, n - 1)]);
        }
        if (clock != null) {
            clock.lap("tridiagonal");
        }
        TridiagonalEigenvalues.solve(d, e, n);
        if (clock != null) {
            clock.lap("eigenvalues");
        }
        return d;
    }
}
