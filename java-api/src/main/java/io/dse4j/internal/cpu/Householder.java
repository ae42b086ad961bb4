package io.dse4j.internal.cpu;

/**
 * Elementary reflectors, as LAPACK {@code dlarfg} (Golub &amp; Van Loan, 4th ed., §5.1.2): given α and x, finds β
 * and τ with H·(α, x)ᵀ = (β, 0)ᵀ for H = I − τ·(1, v)ᵀ·(1, v), β = −sign(α)·‖(α, x)‖.
 */
final class Householder {

    private Householder() {
    }

    /**
     * Overwrites {@code a[alphaAt]} with β and x = {@code a[xAt .. xAt+m)} with v, and returns τ
     * (0 when x is already zero, so that H = I).
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
        double tau = (beta - alpha) / beta;
        double scale = 1.0 / (alpha - beta);
        ops.scale(scale, a, xAt, m);
        ops.set(a, alphaAt, beta);
        return tau;
    }

    /** ‖x‖₂ without overflow or harmful underflow: the plain sum of squares, rescaled only when it is unsafe. */
    static <A> double norm2(A x, int xo, int m, VectorOps<A> ops) {
        double ssq = ops.dot(x, xo, x, xo, m);
        if (ssq > 0x1p-900 && ssq < 0x1p900) {
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
