package io.dse4j.internal.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Eigenvectors on request: for random symmetric matrices and for matrices with repeated eigenvalues, A·v = λ·v for
 * every pair, the vectors are orthonormal, and the eigenvalues equal those of the eigenvalues-only path.
 */
class SymmetricEigenvectorsTest {

    private static SymmetricEigenvectors.Decomposition decompose(double[] full, int n, int threads) {
        try (Workers workers = new Workers(threads, 1)) {
            return new SymmetricEigenvectors<>(VectorOps.f64(), workers).decompose(full.clone(), n);
        }
    }

    private static void assertEigenpairs(double[] a, int n, SymmetricEigenvectors.Decomposition dec, double tol) {
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                double av = 0;
                for (int k = 0; k < n; k++) {
                    av += a[i + k * n] * dec.vector(k, j);
                }
                assertEquals(dec.values()[j] * dec.vector(i, j), av, tol, "(A v - λ v)[" + i + "] for pair " + j);
            }
        }
        for (int j = 0; j < n; j++) {
            for (int k = j; k < n; k++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += dec.vector(i, j) * dec.vector(i, k);
                }
                assertEquals(j == k ? 1.0 : 0.0, dot, tol, "vᵀv for " + j + ", " + k);
            }
        }
        for (int j = 1; j < n; j++) {
            assertEquals(true, dec.values()[j - 1] <= dec.values()[j], "ascending");
        }
    }

    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {1, 2, 3, 5, 31, 33, 70, 120})
    void randomMatricesHaveOrthonormalEigenvectors(int n) {
        double[] a = SymmetricEigenvaluesContract.randomSymmetric(n, 300 + n);
        SymmetricEigenvectors.Decomposition dec = decompose(a, n, 2);
        double norm = SymmetricEigenvaluesContract.norm(a);
        assertEigenpairs(a, n, dec, 1e-12 * Math.max(1, norm));
        double[] values;
        try (Workers workers = new Workers(1)) {
            values = new SymmetricEigenvalues<>(VectorOps.f64(), workers).eigenvalues(a.clone(), n, null);
        }
        for (int j = 0; j < n; j++) {
            assertEquals(values[j], dec.values()[j], 1e-12 * Math.max(1, norm), "eigenvalue " + j);
        }
    }

    @Test
    void repeatedEigenvaluesStillGiveAnOrthonormalBasis() {
        int n = 40;
        double[] diag = new double[n];
        for (int i = 0; i < n; i++) {
            diag[i] = i < 20 ? 3.0 : -2.0;
        }
        double[] a = SymmetricEigenvaluesContract.rotate(diag, n, 5);
        assertEigenpairs(a, n, decompose(a, n, 1), 1e-12 * n);
    }

    @Test
    void diagonalMatrixGivesUnitVectors() {
        int n = 6;
        double[] a = new double[n * n];
        double[] diag = {4, -1, 2.5, 0, 7, 1};
        for (int i = 0; i < n; i++) {
            a[i + i * n] = diag[i];
        }
        SymmetricEigenvectors.Decomposition dec = decompose(a, n, 1);
        assertEigenpairs(a, n, dec, 1e-15);
        // Eigenvalue 7 (the largest) belongs to unit vector e_4.
        assertEquals(7.0, dec.values()[n - 1], 0.0);
        assertEquals(1.0, Math.abs(dec.vector(4, n - 1)), 1e-15);
    }
}
