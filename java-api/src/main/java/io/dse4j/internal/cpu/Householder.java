package io.dse4j.internal.cpu;

import io.dse4j.Precision;

/**
 * Elementary reflectors, as LAPACK {@code dlarfg} (Golub &amp; Van Loan, 4th ed., §5.1.2): given α and x, finds β
 * and τ with H·(α, x)ᵀ = (β, 0)ᵀ for H = I − τ·(1, v)ᵀ·(1, v), β = −sign(α)·‖(α, x)‖.
 *
 * <p>Two rules of {@code dlarfg} keep every reflector finite and orthogonal whatever the column holds:
 * <ul>
 *   <li>x = 0 gives H = I (τ = 0, β = α) — the column is already reduced;</li>
 *   <li>a column whose norm |β| is below safmin = (smallest normal number) / ε — as the trailing columns of a
 *       reduced low-rank matrix are, each a rounding error of the one before, so that their norms fall
 *       geometrically until they underflow — is first scaled up by 1/safmin (at most 20 times), so that
 *       1/(α − β) cannot overflow and v = x/(α − β) keeps its digits; β is scaled back afterwards.</li>
 * </ul>
 * safmin is that of the storage precision ({@link Precision#F32}: 2⁻¹²⁶/2⁻²⁴ = 2⁻¹⁰², {@code slamch}), since v is
 * stored in it: a float v computed with a scale beyond 2¹²⁸ would be infinite.
 */
final class Householder {

    /** {@code dlamch('S') / dlamch('E')}: 2⁻¹⁰²² / 2⁻⁵³. */
    private static final double SAFMIN_F64 = 0x1p-969;
    /** {@code slamch('S') / slamch('E')}: 2⁻¹²⁶ / 2⁻²⁴. */
    private static final double SAFMIN_F32 = 0x1p-102;
    /** {@code dlarfg}'s bound on the rescalings: 20 × 969 binary orders covers every finite double. */
    private static final int MAX_RESCALINGS = 20;

    private Householder() {
    }

    /**
     * Overwrites {@code a[alphaAt]} with β and x = {@code a[xAt .. xAt+m)} with v, and returns τ
     * (0 when x is already zero, so that H = I and α is left as it is).
     */
    static <A> double generate(A a, int alphaAt, int xAt, int m, VectorOps<A> ops) {
        if (m <= 0) {
            return 0.0;
        }
        double xnorm = norm2(a, xAt, m, ops);
        if (xnorm == 0.0) {
            return 0.0;
        }
        double alpha = ops.get(a, alphaAt);
        double beta = -Math.copySign(Math.hypot(alpha, xnorm), alpha);
        double safmin = ops.precision() == Precision.F32 ? SAFMIN_F32 : SAFMIN_F64;
        int rescalings = 0;
        if (Math.abs(beta) < safmin) {
            // β and with it α − β may be so small that 1/(α − β) overflows (or v loses its digits): scale x and α
            // up by 1/safmin, an exact power of two, until |β| is safe, then recompute the norm of the scaled x.
            double up = 1.0 / safmin;
            do {
                rescalings++;
                ops.scale(up, a, xAt, m);
                beta *= up;
                alpha *= up;
            } while (Math.abs(beta) < safmin && rescalings < MAX_RESCALINGS);
            xnorm = norm2(a, xAt, m, ops);
            beta = -Math.copySign(Math.hypot(alpha, xnorm), alpha);
        }
        double tau = (beta - alpha) / beta;
        ops.scale(1.0 / (alpha - beta), a, xAt, m);
        for (int k = 0; k < rescalings; k++) {
            beta *= safmin;
        }
        ops.set(a, alphaAt, beta);
        return tau;
    }

    /**
     * ‖x‖₂ without overflow or harmful underflow: the plain sum of squares where it is safe, else rescaled by the
     * largest magnitude ({@code dnrm2}'s purpose). "Safe" depends on the storage precision: a float dot product
     * forms float squares, which underflow below 2⁻¹⁴⁹ and overflow beyond 2¹²⁸, so for {@link Precision#F32} the
     * plain sum is trusted only in [2⁻¹⁰⁰, 2¹⁰⁰] — below it some squares may have been flushed or lost digits.
     */
    static <A> double norm2(A x, int xo, int m, VectorOps<A> ops) {
        double ssq = ops.dot(x, xo, x, xo, m);
        boolean f32 = ops.precision() == Precision.F32;
        double low = f32 ? 0x1p-100 : 0x1p-900;
        double high = f32 ? 0x1p100 : 0x1p900;
        if (ssq > low && ssq < high) {
            return Math.sqrt(ssq);
        }
        double max = 0;
        for (int r = 0; r < m; r++) {
            max = Math.max(max, Math.abs(ops.get(x, xo + r)));
        }
        if (max == 0 || !Double.isFinite(max)) {
            return max;
        }
        double sum = 0;
        for (int r = 0; r < m; r++) {
            double s = ops.get(x, xo + r) / max;
            sum += s * s;
        }
        return max * Math.sqrt(sum);
    }
}
