package io.dse4j.internal.cpu;

import java.util.Arrays;

/**
 * Brute-force reference: the cyclic Jacobi eigenvalue method (Golub &amp; Van Loan, 4th ed., §8.5.3), slow but
 * simple and accurate to a few ulps of the matrix norm; the tests compare the production solver against it.
 */
public final class Jacobi {

    private Jacobi() {
    }

    /** Eigenvalues, ascending, of the full symmetric n×n matrix {@code a} (row-major or column-major; copied). */
    public static double[] eigenvalues(double[] full, int n) {
        double[] a = full.clone();
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    off += a[p * n + q] * a[p * n + q];
                }
            }
            if (off == 0 || Math.sqrt(off) < 1e-300) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = a[p * n + q];
                    if (apq == 0) {
                        continue;
                    }
                    double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k * n + p];
                        double akq = a[k * n + q];
                        a[k * n + p] = c * akp - s * akq;
                        a[k * n + q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p * n + k];
                        double aqk = a[q * n + k];
                        a[p * n + k] = c * apk - s * aqk;
                        a[q * n + k] = s * apk + c * aqk;
                    }
                }
            }
        }
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = a[i * n + i];
        }
        Arrays.sort(d);
        return d;
    }
}
