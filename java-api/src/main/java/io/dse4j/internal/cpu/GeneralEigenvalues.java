package io.dse4j.internal.cpu;

import io.dse4j.spi.Cancellation;

/**
 * All eigenvalues of a dense real (non-symmetric) matrix: Householder reduction to upper Hessenberg form
 * (Golub &amp; Van Loan, 4th ed., Algorithm 7.4.2), then the Francis implicit double-shift QR iteration with
 * deflation (Algorithm 7.5.2; the eigenvalue-only form of EISPACK {@code hqr}), which ends in 1×1 blocks (real
 * eigenvalues) and 2×2 blocks (complex-conjugate pairs). O(n³); used for the k-NN adjacency, which is not
 * symmetric.
 */
final class GeneralEigenvalues {

    /** Iterations allowed per eigenvalue, with an exceptional shift every 10 (EISPACK allows 30, shifting twice). */
    private static final int MAX_ITERATIONS = 100;

    private GeneralEigenvalues() {
    }

    /**
     * The eigenvalues of the n×n matrix {@code a} (row-major: {@code a[i][j]}; destroyed), as real and imaginary
     * parts.
     *
     * @throws ArithmeticException if the QR iteration does not converge in 100 iterations per eigenvalue
     * @throws io.dse4j.ComputationInterruptedException if the calling thread is interrupted (checked per reflector
     *                                                  of the reduction and per QR iteration)
     */
    static double[][] eigenvalues(double[][] a) {
        int n = a.length;
        hessenberg(a);
        double[] re = new double[n];
        double[] im = new double[n];
        hqr(a, re, im);
        return new double[][] {re, im};
    }

    /** The moduli |λ| of the eigenvalues. */
    static double[] moduli(double[][] a) {
        double[][] eig = eigenvalues(a);
        double[] out = new double[a.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.hypot(eig[0][i], eig[1][i]);
        }
        return out;
    }

    /** In-place similarity reduction A ← Hᵀ·A·H to upper Hessenberg form by Householder reflectors. */
    private static void hessenberg(double[][] a) {
        int n = a.length;
        double[] v = new double[n];
        for (int k = 0; k < n - 2; k++) {
            Cancellation.checkInterrupted();
            double scale = 0;
            for (int i = k + 1; i < n; i++) {
                scale = Math.max(scale, Math.abs(a[i][k]));
            }
            if (scale == 0) {
                continue;
            }
            double norm = 0;
            for (int i = k + 1; i < n; i++) {
                v[i] = a[i][k] / scale;
                norm += v[i] * v[i];
            }
            norm = Math.sqrt(norm);
            double alpha = v[k + 1] > 0 ? -norm : norm;
            v[k + 1] -= alpha;
            double vv = 0;
            for (int i = k + 1; i < n; i++) {
                vv += v[i] * v[i];
            }
            if (vv == 0) {
                continue;
            }
            // A ← (I − 2vvᵀ/vᵀv)·A on rows k+1.., then A ← A·(I − 2vvᵀ/vᵀv) on columns k+1..
            for (int j = k; j < n; j++) {
                double s = 0;
                for (int i = k + 1; i < n; i++) {
                    s += v[i] * a[i][j];
                }
                s = 2 * s / vv;
                for (int i = k + 1; i < n; i++) {
                    a[i][j] -= s * v[i];
                }
            }
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = k + 1; j < n; j++) {
                    s += a[i][j] * v[j];
                }
                s = 2 * s / vv;
                for (int j = k + 1; j < n; j++) {
                    a[i][j] -= s * v[j];
                }
            }
            for (int i = k + 2; i < n; i++) {
                a[i][k] = 0;
            }
        }
    }

    /** Francis double-shift QR on the upper Hessenberg {@code a}; eigenvalues into (re, im). */
    private static void hqr(double[][] a, double[] re, double[] im) {
        int n = a.length;
        double anorm = 0;
        for (int i = 0; i < n; i++) {
            for (int j = Math.max(i - 1, 0); j < n; j++) {
                anorm += Math.abs(a[i][j]);
            }
        }
        int nn = n - 1;
        double t = 0;
        double p = 0;
        double q = 0;
        double r = 0;
        double s;
        double w;
        double x;
        double y;
        double z = 0;
        while (nn >= 0) {
            int iterations = 0;
            int l;
            do {
                Cancellation.checkInterrupted();
                // Look for a single small subdiagonal element: negligible next to its diagonal neighbours, or below
                // eps·‖H‖ — the absolute test lets blocks of (near-)zero, defective eigenvalues, which a k-NN
                // adjacency has in numbers, deflate instead of converging only linearly.
                for (l = nn; l >= 1; l--) {
                    s = Math.abs(a[l - 1][l - 1]) + Math.abs(a[l][l]);
                    if (s == 0) {
                        s = anorm;
                    }
                    if (Math.abs(a[l][l - 1]) + s == s || Math.abs(a[l][l - 1]) <= 0x1p-52 * anorm) {
                        a[l][l - 1] = 0;
                        break;
                    }
                }
                x = a[nn][nn];
                if (l == nn) {
                    re[nn] = x + t;
                    im[nn] = 0;
                    nn--;
                } else {
                    y = a[nn - 1][nn - 1];
                    w = a[nn][nn - 1] * a[nn - 1][nn];
                    if (l == nn - 1) {
                        // A 2×2 block: a real pair or a complex-conjugate pair.
                        p = 0.5 * (y - x);
                        q = p * p + w;
                        z = Math.sqrt(Math.abs(q));
                        x += t;
                        if (q >= 0) {
                            z = p + Math.copySign(z, p);
                            re[nn - 1] = x + z;
                            re[nn] = z != 0 ? x - w / z : x + z;
                            im[nn - 1] = 0;
                            im[nn] = 0;
                        } else {
                            re[nn - 1] = x + p;
                            re[nn] = x + p;
                            im[nn - 1] = -z;
                            im[nn] = z;
                        }
                        nn -= 2;
                    } else {
                        if (iterations == MAX_ITERATIONS) {
                            throw new ArithmeticException("Hessenberg QR did not converge in " + MAX_ITERATIONS
                                    + " iterations for one eigenvalue");
                        }
                        if (iterations > 0 && iterations % 10 == 0) {
                            // Exceptional shift, to break a cycle.
                            t += x;
                            for (int i = 0; i <= nn; i++) {
                                a[i][i] -= x;
                            }
                            s = Math.abs(a[nn][nn - 1]) + Math.abs(a[nn - 1][nn - 2]);
                            x = 0.75 * s;
                            y = x;
                            w = -0.4375 * s * s;
                        }
                        iterations++;
                        // Find two consecutive small subdiagonal elements: the start m of the double-shift step.
                        int m;
                        for (m = nn - 2; m >= l; m--) {
                            z = a[m][m];
                            r = x - z;
                            s = y - z;
                            p = (r * s - w) / a[m + 1][m] + a[m][m + 1];
                            q = a[m + 1][m + 1] - z - r - s;
                            r = a[m + 2][m + 1];
                            s = Math.abs(p) + Math.abs(q) + Math.abs(r);
                            p /= s;
                            q /= s;
                            r /= s;
                            if (m == l) {
                                break;
                            }
                            double u = Math.abs(a[m][m - 1]) * (Math.abs(q) + Math.abs(r));
                            double v = Math.abs(p) * (Math.abs(a[m - 1][m - 1]) + Math.abs(z)
                                    + Math.abs(a[m + 1][m + 1]));
                            if (u + v == v) {
                                break;
                            }
                        }
                        for (int i = m + 2; i <= nn; i++) {
                            a[i][i - 2] = 0;
                            if (i != m + 2) {
                                a[i][i - 3] = 0;
                            }
                        }
                        // The double-shift QR step on rows and columns l..nn, chasing the bulge down.
                        for (int k = m; k <= nn - 1; k++) {
                            if (k != m) {
                                p = a[k][k - 1];
                                q = a[k + 1][k - 1];
                                r = k != nn - 1 ? a[k + 2][k - 1] : 0;
                                x = Math.abs(p) + Math.abs(q) + Math.abs(r);
                                if (x != 0) {
                                    p /= x;
                                    q /= x;
                                    r /= x;
                                }
                            }
                            s = Math.copySign(Math.sqrt(p * p + q * q + r * r), p);
                            if (s != 0) {
                                if (k == m) {
                                    if (l != m) {
                                        a[k][k - 1] = -a[k][k - 1];
                                    }
                                } else {
                                    a[k][k - 1] = -s * x;
                                }
                                p += s;
                                x = p / s;
                                y = q / s;
                                z = r / s;
                                q /= p;
                                r /= p;
                                for (int j = k; j <= nn; j++) {
                                    p = a[k][j] + q * a[k + 1][j];
                                    if (k != nn - 1) {
                                        p += r * a[k + 2][j];
                                        a[k + 2][j] -= p * z;
                                    }
                                    a[k + 1][j] -= p * y;
                                    a[k][j] -= p * x;
                                }
                                int last = Math.min(nn, k + 3);
                                for (int i = l; i <= last; i++) {
                                    p = x * a[i][k] + y * a[i][k + 1];
                                    if (k != nn - 1) {
                                        p += z * a[i][k + 2];
                                        a[i][k + 2] -= p * r;
                                    }
                                    a[i][k + 1] -= p * q;
                                    a[i][k] -= p;
                                }
                            }
                        }
                    }
                }
            } while (l < nn - 1);
        }
    }
}
