package io.dse4j.internal.cpu;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The block Lanczos iteration on matrices of prescribed spectrum (Q·diag(λ)·Qᵀ, a random orthogonal Q): the k largest
 * eigenvalues to the tolerance, eigenvectors with small residuals spanning the true eigenvectors' space — for a gap
 * of 10⁻³ after the k-th, a wanted eigenvalue repeated as often as the block is wide, one repeated far more often
 * (the space goes invariant and random columns bring the rest), eigenvectors given beforehand, and a budget too
 * small, which must be reported rather than passed off as converged.
 */
class LeadingEigenvectorsTest {

    private static final int N = 300;
    private static final double TOLERANCE = 1e-10;

    @Test
    void findsTheLargestEigenpairsBehindASmallGap() {
        double[] lambda = spectrum(new double[] {1.0, 0.97, 0.95, 0.9, 0.85, 0.84}, 0.839, 11);
        check(lambda, 6, 2, null, 0);
    }

    @Test
    void resolvesAnEigenvalueRepeatedAsOftenAsTheBlockIsWide() {
        double[] lambda = spectrum(new double[] {0.99, 0.95, 0.95, 0.9, 0.8}, 0.7, 12);
        check(lambda, 5, 2, null, 0);
    }

    @Test
    void findsEveryCopyOfAnEigenvalueRepeatedAThirdOfTheWay() {
        // Three distinct values: the Krylov space of a 2-column block is invariant after 3 blocks; the columns that
        // then fall into the basis are replaced by random ones, which carry the other copies of the top value.
        double[] lambda = new double[N];
        for (int i = 0; i < N; i++) {
            lambda[i] = i % 3 == 0 ? 0.9 : i % 3 == 1 ? 0.1 : -0.5;
        }
        LeadingEigenvectors.Result r = check(lambda, 5, 2, null, 0);
        for (double v : r.values()) {
            assertEquals(0.9, v, TOLERANCE);
        }
    }

    @Test
    void widensTheBlockForAnEigenvalueRepeatedMoreOftenThanItIsWide() {
        // A block of two holds only two directions of the 4-fold 0.9 in exact arithmetic (rounding may bring in the
        // others here; the torus of SpectralEmbeddingTest is the case where it does not); largest() runs again with
        // a wider block whenever a value is found as often as the block is wide.
        double[] lambda = spectrum(new double[] {1.0, 0.9, 0.9, 0.9, 0.9, 0.8}, 0.7, 16);
        double[] a = PrescribedSpectra.matrix(lambda, 5);
        LeadingEigenvectors.Result r = LeadingEigenvectors.largest(dense(a), N, 5, new double[0], 0, 2, TOLERANCE, 2,
                100000);
        assertTrue(r.converged());
        assertArrayEquals(new double[] {1.0, 0.9, 0.9, 0.9, 0.9}, r.values(), TOLERANCE);
    }

    @Test
    void startsFromEigenvectorsKnownBeforehand() {
        double[] lambda = spectrum(new double[] {1.0, 1.0, 1.0, 0.6, 0.5, 0.45}, 0.4, 13);
        double[] a = PrescribedSpectra.matrix(lambda, 5);
        // The three eigenvectors of the value 1, from the dense decomposition of the same matrix.
        double[] known = topVectors(a, 3);
        check(lambda, 6, 1, known, 3);
    }

    @Test
    void reportsABudgetTooSmallAsNotConverged() {
        double[] lambda = spectrum(new double[] {1.0, 0.999, 0.998}, 0.997, 14);
        double[] a = PrescribedSpectra.matrix(lambda, 5);
        LeadingEigenvectors.Result r = LeadingEigenvectors.of(dense(a), N, 3, new double[0], 0, 2, 20, 5, TOLERANCE,
                0, 30);
        assertFalse(r.converged());
        assertTrue(r.residual() > TOLERANCE, "residual " + r.residual());
    }

    @Test
    void theResultDependsOnlyOnTheMatrixTheSizesAndTheSeed() {
        double[] lambda = spectrum(new double[] {1.0, 0.9, 0.8}, 0.75, 15);
        double[] a = PrescribedSpectra.matrix(lambda, 5);
        LeadingEigenvectors.Result first = LeadingEigenvectors.of(dense(a), N, 3, new double[0], 0, 2, 40, 7,
                TOLERANCE, 3, 100000);
        LeadingEigenvectors.Result second = LeadingEigenvectors.of(dense(a), N, 3, new double[0], 0, 2, 40, 7,
                TOLERANCE, 3, 100000);
        assertArrayEquals(first.vectors(), second.vectors());
    }

    /** The wanted values first, then N − len values spread below {@code below} over [−1, below]. */
    private static double[] spectrum(double[] top, double below, long seed) {
        Random random = new Random(seed);
        double[] lambda = new double[N];
        System.arraycopy(top, 0, lambda, 0, top.length);
        for (int i = top.length; i < N; i++) {
            lambda[i] = i == top.length ? below : -1 + (below + 1) * random.nextDouble();
        }
        return lambda;
    }

    private static LeadingEigenvectors.Result check(double[] lambda, int k, int block, double[] known, int knownCount) {
        double[] a = PrescribedSpectra.matrix(lambda, 5);
        LeadingEigenvectors.Result r = LeadingEigenvectors.of(dense(a), N, k, known == null ? new double[0] : known,
                knownCount, block, 60, k + 4, TOLERANCE, 1, 100000);
        assertTrue(r.converged(), "not converged after " + r.products() + " products, residual " + r.residual());
        double[] sorted = lambda.clone();
        Arrays.sort(sorted);
        for (int c = 0; c < k; c++) {
            assertEquals(sorted[N - 1 - c], r.values()[c], TOLERANCE, "eigenvalue " + c);
            double[] u = Arrays.copyOfRange(r.vectors(), c * N, (c + 1) * N);
            double[] au = new double[N];
            dense(a).apply(u, 0, au, 0);
            double residual = 0;
            for (int i = 0; i < N; i++) {
                residual += (au[i] - r.values()[c] * u[i]) * (au[i] - r.values()[c] * u[i]);
            }
            assertTrue(Math.sqrt(residual) <= TOLERANCE, "residual of pair " + c + ": " + Math.sqrt(residual));
        }
        // The span: every true eigenvector of the k largest values (where the k-th is not repeated beyond k) lies in
        // the span of the computed ones to within residual / gap.
        double gap = sorted[N - k] - sorted[N - k - 1];
        if (gap > 1e-3) {
            double[] truth = topVectors(a, k);
            for (int c = 0; c < k; c++) {
                double inside = 0;
                for (int d = 0; d < k; d++) {
                    double dot = 0;
                    for (int i = 0; i < N; i++) {
                        dot += truth[c * N + i] * r.vectors()[d * N + i];
                    }
                    inside += dot * dot;
                }
                assertEquals(1.0, inside, 1e-12 / gap + 1e-12, "true eigenvector " + c + " outside the span");
            }
        }
        return r;
    }

    private static LeadingEigenvectors.Operator dense(double[] a) {
        return (x, xAt, y, yAt) -> {
            for (int i = 0; i < N; i++) {
                double s = 0;
                for (int j = 0; j < N; j++) {
                    s += a[i + j * N] * x[xAt + j];
                }
                y[yAt + i] = s;
            }
        };
    }

    /** The eigenvectors of the k largest eigenvalues, from the dense decomposition, column-major N×k. */
    private static double[] topVectors(double[] a, int k) {
        try (Workers one = new Workers(1)) {
            SymmetricEigenvectors.Decomposition d = new SymmetricEigenvectors<>(VectorOps.f64For(N), one).decompose(
                    a.clone(), N);
            double[] out = new double[N * k];
            for (int c = 0; c < k; c++) {
                System.arraycopy(d.vectors(), (N - 1 - c) * N, out, c * N, N);
            }
            return out;
        }
    }
}
