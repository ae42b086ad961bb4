package io.dse4j.internal.cpu;

/**
 * The Gauss and Gauss–Radau quadrature rules of a Lanczos run: the nodes are the eigenvalues of the Jacobi
 * (tridiagonal) matrix and the weights the squares of its eigenvectors' first components (Golub &amp; Welsch,
 * "Calculation of Gauss quadrature rules", Math. Comp. 23, 1969), so that for a unit start vector v,
 * vᵀf(A)v ≈ Σₗ wₗ·f(θₗ), exact for polynomials up to degree 2L − 1.
 *
 * <p>The Radau rule fixes one node at a: the Jacobi matrix is extended by one row whose diagonal entry
 * a + δ_L solves (J_L − aI)·δ = β_L²·e_L (Golub, "Some modified matrix eigenvalue problems", SIAM Review 15, 1973;
 * Golub &amp; Meurant, "Matrices, Moments and Quadrature with Applications", 2010, §6.2). For a function whose
 * derivatives of orders 2L and 2L + 1 have constant, opposite signs on the spectrum, and a ≤ λmin, the two rules
 * bracket vᵀf(A)v (Golub &amp; Meurant, Theorem 6.4): for x·log x the Gauss rule is below and the Radau rule above,
 * for xᵗ with 0 &lt; t &lt; 1 the other way round. Their midpoint is the estimate and their half-difference its
 * bound; for large t relative to L the derivatives' signs no longer settle by order 2L, which is why the estimate
 * limits t to 2L ({@link io.dse4j.EntropyEstimate}).
 *
 * <p>The eigen-decomposition is the implicit QL iteration with Wilkinson shifts (Bowdler, Martin, Reinsch &amp;
 * Wilkinson, "The QR and QL algorithms for symmetric matrices", Numer. Math. 11, 1968) of
 * {@link SymmetricEigenvectors}, carrying only the first row of the eigenvector matrix, as Golub and Welsch do.
 */
final class GaussQuadrature {

    private GaussQuadrature() {
    }

    /** Nodes and weights of one rule (the weights sum to 1 for a unit start vector). */
    record Rule(double[] nodes, double[] weights) {
    }

    /**
     * The Gauss rule of the Jacobi matrix with diagonal {@code alpha[0..length)} and off-diagonal
     * {@code beta[0..length-1)}.
     */
    static Rule gauss(double[] alpha, double[] beta, int length) {
        double[] d = java.util.Arrays.copyOf(alpha, length);
        double[] e = new double[length];
        System.arraycopy(beta, 0, e, 0, Math.max(0, length - 1));
        return decompose(d, e, length);
    }

    /**
     * The Gauss–Radau rule with one node fixed at {@code a}: needs {@code beta[length-1]}, the off-diagonal entry
     * the Lanczos run computed after its last step. Returns null when J_L − aI is singular in working precision (a
     * is then an eigenvalue of J_L, to rounding, and the Gauss rule already has the node).
     */
    static Rule radau(double[] alpha, double[] beta, int length, double a) {
        // (J − aI)·δ = β_L²·e_L by the tridiagonal LDLᵀ recurrence; only δ's last entry is needed: with
        // pivots p₁ = α₁ − a, pᵢ = αᵢ − a − βᵢ₋₁²/pᵢ₋₁, the last entry of (J − aI)⁻¹·e_L is 1/p_L.
        double pivot = alpha[0] - a;
        for (int i = 1; i < length; i++) {
            if (!(Math.abs(pivot) > 1e-300)) {
                return null;
            }
            pivot = alpha[i] - a - beta[i - 1] * beta[i - 1] / pivot;
        }
        if (!(Math.abs(pivot) > 1e-300) || !Double.isFinite(pivot)) {
            return null;
        }
        double last = beta[length - 1];
        double[] d = java.util.Arrays.copyOf(alpha, length + 1);
        d[length] = a + last * last / pivot;
        double[] e = new double[length + 1];
        System.arraycopy(beta, 0, e, 0, length);
        return decompose(d, e, length + 1);
    }

    /**
     * Eigenvalues of the symmetric tridiagonal matrix (diagonal d, off-diagonal e[0..n-1), destroyed) and the
     * squares of the first components of its unit eigenvectors: the QL iteration of {@link SymmetricEigenvectors}
     * carrying the first row of the rotations only.
     */
    private static Rule decompose(double[] d, double[] e, int n) {
        double[] z = new double[n];
        z[0] = 1.0;
        e[n - 1] = 0.0;
        SymmetricEigenvectors.tql2(d, e, z, 1, n);
        double[] weights = new double[n];
        for (int k = 0; k < n; k++) {
            weights[k] = z[k] * z[k];
        }
        return new Rule(d, weights);
    }
}
