package io.dse4j.internal.gpu;

/**
 * How far a backward-stable symmetric eigensolver's eigenvalues may lie from the exact ones, as the literature bounds
 * it: the tolerances of the stand-in tests that check eigenvalues, stated before any run and not fitted to what the
 * stand-in happens to give (it solves a float problem in float, as a GPU's {@code Ssyevd} does).
 *
 * <p>Householder tridiagonalisation followed by the implicit symmetric QL/QR iteration — the stand-in's solver
 * (Golub &amp; Van Loan, 4th ed., §8.3.1 and §8.3.5; EISPACK tred2/tql2) and the reduction cuSOLVER's syevd starts
 * with — is backward stable: the computed eigenvalues are the exact ones of A + E with ‖E‖₂ ≤ p(n)·u·‖A‖₂
 * (Golub &amp; Van Loan §8.3.5; LAPACK Users' Guide, 3rd ed., §4.7), and Weyl's theorem (Golub &amp; Van Loan,
 * Corollary 8.1.6) turns that into |λ̂ᵢ − λᵢ| ≤ ‖E‖₂ for every i. p(n) is only said to be "a modestly growing function
 * of n"; LAPACK's own tests of these drivers (xCHKST, xDRVST) pass a computed result when its error over
 * n·‖A‖·ulp stays below a threshold of 30, with ulp = ε·base = 2u (DLAMCH('Epsilon')·DLAMCH('Base')). That is the
 * figure taken here: p(n) = 30·n ulps = {@value #C}·n·u.
 *
 * <p>u is the unit roundoff: 2⁻²⁴ = {@code Math.ulp(1f) / 2} in float, 2⁻⁵³ = {@code Math.ulp(1.0) / 2} in double.
 */
final class SymmetricEigenvalueBounds {

    /** p(n) = C·n units of roundoff: LAPACK's test threshold of 30 in ulps of 2u. */
    static final double C = 60;

    /** The unit roundoff of float: 2⁻²⁴. */
    static final double U32 = Math.ulp(1f) / 2;

    /** The unit roundoff of double: 2⁻⁵³. */
    static final double U64 = Math.ulp(1.0) / 2;

    private SymmetricEigenvalueBounds() {
    }

    /**
     * The solver's bound C·n·u·‖A‖₂ on |λ̂ᵢ − λᵢ| for an n×n symmetric matrix of spectral norm {@code norm} solved in
     * float ({@code f32}) or double.
     */
    static double solver(int n, boolean f32, double norm) {
        return C * n * (f32 ? U32 : U64) * norm;
    }

    /**
     * The bound on |λ̂ᵢ − λᵢ| for the diffusion operator A = D^−½·K·D^−½ of n points in {@code dims} dimensions, formed
     * and solved in float by the GPU backend, against the exact one (‖A‖₂ = 1: A is similar to the stochastic D⁻¹K):
     * <ul>
     *   <li>the solver: {@link #solver}, C·n·u;
     *   <li>forming A (by Weyl the eigenvalues move by at most ‖ΔA‖₂): a squared distance kept from the float Gram
     *       expansion has lost at most two bits to cancellation (else the device recomputes it from the
     *       coordinates), so its error is at most (D + 4)·u·4·d² (Higham, Accuracy and Stability of Numerical
     *       Algorithms, 2nd ed., Thm 3.5 for the syrk's dot products: the device's {@code expansion_error}); the
     *       kernel entry exp(−t), t = d²/2σ², then moves by at most (D + 4)·4u·t·e^−t ≤ 1.5·(D + 4)·u, and storing
     *       it in float adds u: |ΔKᵢⱼ| ≤ κ·u with κ = 1.5·(D + 4) + 1. Every degree is at least 1 (Kᵢᵢ = 1), so
     *       ‖D^−½·ΔK·D^−½‖₂ ≤ ‖ΔK‖_F ≤ n·κ·u; the degrees' own errors (|Δdᵢ| ≤ n·κ·u, relative to dᵢ ≥ 1) scale A's
     *       rows and columns by at most as much again; the normalisation rounds each entry by u, which moves a
     *       non-negative A by at most u·‖A‖₂: ‖ΔA‖₂ ≤ (2n·κ + 1)·u.
     * </ul>
     */
    static double diffusionF32(int n, int dims) {
        double kappa = 1.5 * (dims + 4) + 1;
        return solver(n, true, 1) + (2 * n * kappa + 1) * U32;
    }
}
