package io.dse4j.internal.cpu;

import io.dse4j.spi.StageClock;

/**
 * Eigenvalues of a dense real symmetric matrix: {@link TridiagonalReduction} in the working precision, then
 * {@link TridiagonalEigenvalues} in double (the pair LAPACK's {@code dsyevd} uses when no eigenvectors are
 * wanted).
 */
final class SymmetricEigenvalues<A> {

    private final TridiagonalReduction<A> reduction;

    SymmetricEigenvalues(VectorOps<A> ops, Workers workers) {
        this.reduction = new TridiagonalReduction<>(ops, workers);
    }

    /**
     * The eigenvalues, ascending, of the symmetric matrix held in the lower triangle of {@code a} (column-major,
     * n×n), which is destroyed. When {@code clock} is given, the two stages are lapped as "tridiagonal" and
     * "eigenvalues".
     *
     * @throws ArithmeticException if the tridiagonal iteration does not converge
     */
    double[] eigenvalues(A a, int n, StageClock clock) {
        double[] d = new double[n];
        double[] e = new double[Math.max(1, n - 1)];
        double[] tau = new double[Math.max(1, n - 1)];
        reduction.reduce(a, n, d, e, tau);
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
