package io.dse4j.internal.cpu;

import io.dse4j.spi.Cancellation;

/**
 * Eigenvalues and eigenvectors of a dense real symmetric matrix: the blocked {@link TridiagonalReduction}, then
 * Q formed explicitly from its Householder reflectors (LAPACK {@code dorgtr}, backward accumulation: Golub &amp; Van
 * Loan, 4th ed., §5.1.6), then the implicit QL iteration with Wilkinson's shift applied to T with every Givens
 * rotation also applied to Q's columns (EISPACK {@code tql2}; Golub &amp; Van Loan §8.3.3, the QL form of the
 * symmetric QR step). O(n³) with a larger constant than the eigenvalues alone, so it runs only on request.
 */
final class SymmetricEigenvectors<A> {

    private static final double EPS = 0x1p-52;

    private final VectorOps<A> ops;
    private final TridiagonalReduction<A> reduction;

    SymmetricEigenvectors(VectorOps<A> ops, Workers workers) {
        this.ops = ops;
        this.reduction = new TridiagonalReduction<>(ops, workers);
    }

    /** Eigenvalues, ascending, and unit eigenvectors, column j for eigenvalue j, column-major n×n. */
    record Decomposition(double[] values, double[] vectors, int n) {

        /** Component i of eigenvector j. */
        double vector(int i, int j) {
            return vectors[i + j * n];
        }
    }

    /**
     * Decomposes the symmetric matrix held in the lower triangle of {@code a} (column-major, n×n; destroyed).
     *
     * @throws ArithmeticException if the QL iteration does not converge
     * @throws io.dse4j.ComputationInterruptedException if the calling thread is interrupted (checked per panel,
     *                                                  reflector, QL sweep and sorted column)
     */
    Decomposition decompose(A a, int n) {
        double[] d = new double[n];
        double[] e = new double[Math.max(1, n)];
        double[] tau = new double[Math.max(1, n - 1)];
        reduction.reduce(a, n, d, e, tau);
        double[] z = formQ(a, n, tau);
        e[n - 1] = 0.0;
        tql2(d, e, z, n, n);
        sortAscending(d, z, n);
        return new Decomposition(d, z, n);
    }

    /** Q = H_0·H_1·…·H_{n-2}, applying H_j to the identity from the last reflector to the first. */
    private double[] formQ(A a, int n, double[] tau) {
        double[] z = new double[n * n];
        for (int i = 0; i < n; i++) {
            z[i + i * n] = 1.0;
        }
        double[] v = new double[n];
        for (int j = n - 2; j >= 0; j--) {
            Cancellation.checkInterrupted();
            if (tau[j] == 0.0) {
                continue;
            }
            // v_j = (1, a[j+2..n, j]) on rows j+1..n-1.
            v[j + 1] = 1.0;
            for (int r = j + 2; r < n; r++) {
                v[r] = ops.get(a, r + j * n);
            }
            // H_j only touches rows and columns j+1.. of the partial product, whose other entries are still I.
            for (int c = j + 1; c < n; c++) {
                int col = c * n;
                double s = 0;
                for (int r = j + 1; r < n; r++) {
                    s += v[r] * z[col + r];
                }
                s *= tau[j];
                for (int r = j + 1; r < n; r++) {
                    z[col + r] -= s * v[r];
                }
            }
        }
        return z;
    }

    /**
     * Implicit QL with Wilkinson's shift on the tridiagonal (d, e) — e[i] couples i and i+1, e[n-1] = 0 — rotating
     * the columns of z along.
     */
    /**
     * The implicit QL iteration on the tridiagonal (d, e) of order n, each rotation applied to the columns of the
     * rows×n column-major z (rows = n for all the eigenvectors; 1 for their first components alone, as the Gauss
     * quadrature rules need).
     */
    static void tql2(double[] d, double[] e, double[] z, int rows, int n) {
        // An off-diagonal entry below eps·‖T‖ is negligible (tql2's test): a purely relative test would never
        // deflate between two (near-)zero diagonal entries, which kernel matrices have in numbers.
        double norm = 0;
        for (int i = 0; i < n; i++) {
            norm = Math.max(norm, Math.abs(d[i]) + Math.abs(e[i]) + (i > 0 ? Math.abs(e[i - 1]) : 0));
        }
        for (int l = 0; l < n; l++) {
            int iterations = 0;
            while (true) {
                Cancellation.checkInterrupted();
                int m = l;
                for (; m < n - 1; m++) {
                    if (Math.abs(e[m]) <= EPS * norm) {
                        break;
                    }
                }
                if (m == l) {
                    break;
                }
                if (iterations++ == 60) {
                    throw new ArithmeticException("tridiagonal QL with eigenvectors did not converge for eigenvalue "
                            + l);
                }
                double g = (d[l + 1] - d[l]) / (2.0 * e[l]);
                double r = Math.hypot(g, 1.0);
                g = d[m] - d[l] + e[l] / (g + Math.copySign(r, g));
                double s = 1.0;
                double c = 1.0;
                double p = 0.0;
                boolean deflated = false;
                for (int i = m - 1; i >= l; i--) {
                    double f = s * e[i];
                    double b = c * e[i];
                    r = Math.hypot(f, g);
                    e[i + 1] = r;
                    if (r == 0.0) {
                        // Exact underflow: the matrix split at i; restart the sweep on the smaller block.
                        d[i + 1] -= p;
                        e[m] = 0.0;
                        deflated = true;
                        break;
                    }
                    s = f / r;
                    c = g / r;
                    g = d[i + 1] - p;
                    r = (d[i] - g) * s + 2.0 * c * b;
                    p = s * r;
                    d[i + 1] = g + p;
                    g = c * r - b;
                    int ci = i * rows;
                    int cj = (i + 1) * rows;
                    for (int k = 0; k < rows; k++) {
                        double zk = z[cj + k];
                        z[cj + k] = s * z[ci + k] + c * zk;
                        z[ci + k] = c * z[ci + k] - s * zk;
                    }
                }
                if (!deflated) {
                    d[l] -= p;
                    e[l] = g;
                    e[m] = 0.0;
                }
            }
        }
    }

    /** Selection sort of the eigenvalues with their columns: O(n²) swaps of columns at most n. */
    private static void sortAscending(double[] d, double[] z, int n) {
        for (int i = 0; i < n - 1; i++) {
            Cancellation.checkInterrupted();
            int k = i;
            for (int j = i + 1; j < n; j++) {
                if (d[j] < d[k]) {
                    k = j;
                }
            }
            if (k != i) {
                double t = d[i];
                d[i] = d[k];
                d[k] = t;
                for (int r = 0; r < n; r++) {
                    double x = z[r + i * n];
                    z[r + i * n] = z[r + k * n];
                    z[r + k * n] = x;
                }
            }
        }
    }
}
