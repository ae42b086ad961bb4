package io.dse4j.spi;

/**
 * What a stochastic Lanczos quadrature run hands back for the entropy estimate: the eigenvalues deflated exactly,
 * the two traces of the deflated remainder R = P·K·P (P the projector onto the complement of the deflated
 * eigenvectors) that serve as control variates, and per probe z (a Rademacher vector projected by P) the Gauss and
 * Gauss–Radau rules of its Lanczos run, weights scaled by ‖Pz‖², so that Σₗ wₗ·f(θₗ) estimates zᵀf(R)z — whose
 * mean over z is tr f(R).
 *
 * @param n               K's order
 * @param deflated        the deflated eigenvalues (1, the stationary one, first)
 * @param residuals       per deflated value θ, the residual ‖K·y − θ·y‖ of its Ritz vector (0 for the stationary one)
 * @param gaps            per deflated value, its distance to the nearest value of the rest of the spectrum seen (the
 *                        Ritz values not deflated, and the probes' Gauss nodes): with the residual, |θ − λ| ≤
 *                        residual²/gap bounds its error (Parlett, "The Symmetric Eigenvalue Problem", §11.7)
 * @param restTrace       tr R = tr K − Σ deflated
 * @param restSquareTrace tr R² = tr K² − 2·Σ‖K·qᵢ‖² + Σ θᵢ²
 * @param gaussNodes      per probe, the Gauss rule's nodes
 * @param gaussWeights    per probe, its weights (scaled by ‖Pz‖²)
 * @param radauNodes      per probe, the Radau rule's nodes (fixed node 0); the Gauss rule where the run was exact
 * @param radauWeights    per probe, its weights
 * @param linear          per probe, zᵀRz
 * @param quadratic       per probe, zᵀR²z
 * @param steps           Lanczos steps per probe (at most; a run whose Krylov space closed stopped early); 0 when no
 *                        probe was left to run (everything deflated: the estimate is exact)
 * @param passes          products with K in all (deflation and probes)
 * @param matrixFree      whether K was recomputed from the points for every product instead of held
 * @param stages          seconds per stage
 */
public record LanczosSamples(int n, double[] deflated, double[] residuals, double[] gaps, double restTrace,
                             double restSquareTrace,
                             double[][] gaussNodes, double[][] gaussWeights, double[][] radauNodes,
                             double[][] radauWeights, double[] linear, double[] quadratic, int steps, int passes,
                             boolean matrixFree, io.dse4j.StageTimings stages) {

    /** The number of probes whose rules are held. */
    public int probes() {
        return linear.length;
    }
}
