package io.dse4j.internal.cpu;

import io.dse4j.spi.Cancellation;

import java.util.Arrays;

/**
 * All eigenvalues of a symmetric tridiagonal matrix in O(n²) by the root-free implicit QL iteration of Pal,
 * Walker and Kahan, as in LAPACK {@code dsterf} (B. N. Parlett, <i>The Symmetric Eigenvalue Problem</i>, §8.15;
 * Golub &amp; Van Loan, 4th ed., §8.3.5 for the shifted QL/QR step it reorganises).
 *
 * <p>The iteration works on the squares of the off-diagonal elements, so each step needs no square root. As in
 * {@code dsterf}: the matrix is split wherever an off-diagonal element is negligible, each block is scaled (here by
 * an exact power of two) so that its largest entry lies in [1, 2) and neither squares nor products can over- or
 * underflow, and a block whose last diagonal element is smaller in magnitude than its first is turned upside down
 * (QR instead of QL), which keeps graded matrices accurate. 2×2 blocks are finished in closed form ({@code dlae2}).
 */
final class TridiagonalEigenvalues {

    private static final double EPS = 0x1p-53;
    private static final double EPS2 = EPS * EPS;
    private static final double SAFMIN = Double.MIN_NORMAL;

    private TridiagonalEigenvalues() {
    }

    /**
     * Overwrites {@code d[0..n)} with the eigenvalues in ascending order; {@code e[0..n-1)} is destroyed.
     *
     * @throws ArithmeticException if the iteration does not converge within 30·n sweeps
     * @throws io.dse4j.ComputationInterruptedException if the calling thread is interrupted (checked every sweep)
     */
    static void solve(double[] d, double[] e, int n) {
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(d[i]) || (i < n - 1 && !Double.isFinite(e[i]))) {
                throw new ArithmeticException("tridiagonal matrix has a non-finite entry at index " + i);
            }
        }
        int maxIterations = 30 * n;
        int iterations = 0;
        int start = 0;
        while (start < n) {
            if (start > 0) {
                e[start - 1] = 0.0;
            }
            // Find the end of the unreduced block that starts at `start`.
            int end = start;
            for (; end < n - 1; end++) {
                double offDiagonal = Math.abs(e[end]);
                if (offDiagonal == 0.0) {
                    break;
                }
                if (offDiagonal <= Math.sqrt(Math.abs(d[end])) * Math.sqrt(Math.abs(d[end + 1])) * EPS) {
                    e[end] = 0.0;
                    break;
                }
            }
            int l = start;
            int lend = end;
            start = end + 1;
            if (lend == l) {
                continue;
            }
            double scale = scaleBlock(d, e, l, lend);
            if (scale == 0.0) {
                continue;
            }
            if (Math.abs(d[lend]) < Math.abs(d[l])) {
                reverseBlock(d, e, l, lend);
            }
            for (int i = l; i < lend; i++) {
                e[i] *= e[i];
            }
            iterations = qlBlock(d, e, l, lend, iterations, maxIterations);
            for (int i = l; i <= lend; i++) {
                d[i] /= scale;
            }
        }
        Arrays.sort(d, 0, n);
    }

    /** Root-free QL sweeps on the block [l, lend] whose off-diagonal holds squares. Returns the iteration count. */
    private static int qlBlock(double[] d, double[] e, int l, int lend, int iterations, int maxIterations) {
        while (l <= lend) {
            Cancellation.checkInterrupted();
            int m = l;
            for (; m < lend; m++) {
                if (Math.abs(e[m]) <= EPS2 * Math.abs(d[m] * d[m + 1]) || e[m] < SAFMIN) {
                    break;
                }
            }
            if (m < lend) {
                e[m] = 0.0;
            }
            if (m == l) {
                l++;
                continue;
            }
            if (m == l + 1) {
                double[] roots = eigenvalues2x2(d[l], Math.sqrt(e[l]), d[l + 1]);
                d[l] = roots[0];
                d[l + 1] = roots[1];
                e[l] = 0.0;
                l += 2;
                continue;
            }
            if (iterations == maxIterations) {
                throw new ArithmeticException(
                        "tridiagonal QL iteration did not converge in " + maxIterations + " sweeps");
            }
            iterations++;

            sweep(d, e, l, m);
        }
        return iterations;
    }

    /**
     * One root-free QL sweep (Pal–Walker–Kahan) on rows l..m with a Wilkinson-like shift from the leading 2×2. A
     * method of its own so that C2 compiles it once rather than replacing {@link #qlBlock}'s loop on the stack
     * several times (5 compilations, 0.16 s, in a cold DSMI run).
     */
    private static void sweep(double[] d, double[] e, int l, int m) {
        double p = d[l];
        double rte = Math.sqrt(e[l]);
        double sigma = (d[l + 1] - p) / (2.0 * rte);
        double r = Math.hypot(sigma, 1.0);
        sigma = p - (rte / (sigma + Math.copySign(r, sigma)));

        double c = 1.0;
        double s = 0.0;
        double gamma = d[m] - sigma;
        p = gamma * gamma;
        for (int i = m - 1; i >= l; i--) {
            double bb = e[i];
            r = p + bb;
            if (i != m - 1) {
                e[i + 1] = s * r;
            }
            double oldc = c;
            c = p / r;
            s = bb / r;
            double oldGamma = gamma;
            double alpha = d[i];
            gamma = c * (alpha - sigma) - s * oldGamma;
            d[i + 1] = oldGamma + (alpha - gamma);
            p = c != 0.0 ? (gamma * gamma) / c : oldc * bb;
        }
        e[l] = s * p;
        d[l] = sigma + gamma;
    }

    /** Scales the block by a power of two so that its largest magnitude lies in [1, 2); returns the factor. */
    private static double scaleBlock(double[] d, double[] e, int l, int lend) {
        double norm = 0;
        for (int i = l; i <= lend; i++) {
            norm = Math.max(norm, Math.abs(d[i]));
            if (i < lend) {
                norm = Math.max(norm, Math.abs(e[i]));
            }
        }
        if (norm == 0.0) {
            return 0.0;
        }
        double scale = Math.scalb(1.0, -Math.getExponent(norm));
        for (int i = l; i <= lend; i++) {
            d[i] *= scale;
            if (i < lend) {
                e[i] *= scale;
            }
        }
        return scale;
    }

    private static void reverseBlock(double[] d, double[] e, int l, int lend) {
        for (int i = l, j = lend; i < j; i++, j--) {
            double t = d[i];
            d[i] = d[j];
            d[j] = t;
        }
        for (int i = l, j = lend - 1; i < j; i++, j--) {
            double t = e[i];
            e[i] = e[j];
            e[j] = t;
        }
    }

    /**
     * Eigenvalues of [[a, b], [b, c]], larger magnitude first, accurately ({@code dlae2}: the smaller one is
     * computed from the determinant to avoid cancellation).
     */
    static double[] eigenvalues2x2(double a, double b, double c) {
        double sm = a + c;
        double df = a - c;
        double adf = Math.abs(df);
        double tb = b + b;
        double ab = Math.abs(tb);
        double acmx = Math.abs(a) > Math.abs(c) ? a : c;
        double acmn = Math.abs(a) > Math.abs(c) ? c : a;
        double rt;
        if (adf > ab) {
            double q = ab / adf;
            rt = adf * Math.sqrt(1.0 + q * q);
        } else if (adf < ab) {
            double q = adf / ab;
            rt = ab * Math.sqrt(1.0 + q * q);
        } else {
            rt = ab * Math.sqrt(2.0);
        }
        double rt1;
        double rt2;
        if (sm < 0.0) {
            rt1 = 0.5 * (sm - rt);
            rt2 = (acmx / rt1) * acmn - (b / rt1) * b;
        } else if (sm > 0.0) {
            rt1 = 0.5 * (sm + rt);
            rt2 = (acmx / rt1) * acmn - (b / rt1) * b;
        } else {
            rt1 = 0.5 * rt;
            rt2 = -0.5 * rt;
        }
        return new double[] {rt1, rt2};
    }
}
