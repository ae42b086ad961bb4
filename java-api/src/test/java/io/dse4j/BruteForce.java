package io.dse4j;

import io.dse4j.internal.cpu.Jacobi;

/**
 * Brute force for the measures' tests: squared distances by differences, Σₖ(xᵢₖ − xⱼₖ)² (which cannot cancel), the
 * kernels formed from them entry by entry, and eigenvalues by cyclic Jacobi ({@link Jacobi}).
 */
final class BruteForce {

    private BruteForce() {
    }

    static double[][] squaredDistances(double[][] x) {
        int n = x.length;
        double[][] d2 = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < x[i].length; k++) {
                    double d = x[i][k] - x[j][k];
                    s += d * d;
                }
                d2[i][j] = s;
            }
        }
        return d2;
    }

    /** Gᵢⱼ = exp(−‖xᵢ − xⱼ‖² / 2σ²). */
    static double[][] gaussian(double[][] x, double sigma) {
        double[][] g = squaredDistances(x);
        for (double[] row : g) {
            for (int j = 0; j < row.length; j++) {
                row[j] = Math.exp(-row[j] / (2 * sigma * sigma));
            }
        }
        return g;
    }

    /** K = D^−½·G·D^−½. */
    static double[][] diffusionKernel(double[][] x, double sigma) {
        double[][] g = gaussian(x, sigma);
        int n = x.length;
        double[] degree = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                degree[i] += g[i][j];
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                g[i][j] /= Math.sqrt(degree[i] * degree[j]);
            }
        }
        return g;
    }

    /** Eigenvalues, ascending, of the symmetric matrix. */
    static double[] eigenvalues(double[][] m) {
        int n = m.length;
        double[] full = new double[n * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(m[i], 0, full, i * n, n);
        }
        return Jacobi.eigenvalues(full, n);
    }
}
