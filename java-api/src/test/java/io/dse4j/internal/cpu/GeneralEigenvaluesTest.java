package io.dse4j.internal.cpu;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The non-symmetric eigensolver on matrices with known spectra, real and complex. */
class GeneralEigenvaluesTest {

    private static double[][] sortedPairs(double[][] eig) {
        int n = eig[0].length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> eig[0][a] != eig[0][b] ? Double.compare(eig[0][a], eig[0][b])
                : Double.compare(eig[1][a], eig[1][b]));
        double[][] out = new double[2][n];
        for (int i = 0; i < n; i++) {
            out[0][i] = eig[0][order[i]];
            out[1][i] = eig[1][order[i]];
        }
        return out;
    }

    @Test
    void upperTriangularKeepsItsDiagonal() {
        double[][] a = {{3, 1, 4}, {0, -2, 5}, {0, 0, 7}};
        double[][] eig = sortedPairs(GeneralEigenvalues.eigenvalues(a));
        assertEquals(-2, eig[0][0], 1e-14);
        assertEquals(3, eig[0][1], 1e-14);
        assertEquals(7, eig[0][2], 1e-14);
    }

    @Test
    void rotationHasAComplexPair() {
        // [[cos, -sin], [sin, cos]] scaled by 2: eigenvalues 2e^{±iθ}.
        double theta = 0.7;
        double[][] a = {{2 * Math.cos(theta), -2 * Math.sin(theta)}, {2 * Math.sin(theta), 2 * Math.cos(theta)}};
        double[][] eig = sortedPairs(GeneralEigenvalues.eigenvalues(a));
        assertEquals(2 * Math.cos(theta), eig[0][0], 1e-14);
        assertEquals(-2 * Math.sin(theta), eig[1][0], 1e-14);
        assertEquals(2 * Math.sin(theta), eig[1][1], 1e-14);
    }

    @Test
    void companionMatrixHasThePolynomialsRoots() {
        // p(x) = (x-1)(x-2)(x-3)(x^2+1)(x+4) → roots 1, 2, 3, ±i, -4; companion matrix of the monic polynomial.
        double[] roots = {1, 2, 3, -4};
        double[] poly = {1};
        for (double r : roots) {
            poly = multiply(poly, new double[] {1, -r});
        }
        poly = multiply(poly, new double[] {1, 0, 1});
        int n = poly.length - 1;
        double[][] c = new double[n][n];
        for (int j = 0; j < n; j++) {
            c[0][j] = -poly[j + 1];
        }
        for (int i = 1; i < n; i++) {
            c[i][i - 1] = 1;
        }
        double[][] eig = sortedPairs(GeneralEigenvalues.eigenvalues(c));
        double[] expectedRe = {-4, 0, 0, 1, 2, 3};
        double[] expectedIm = {0, -1, 1, 0, 0, 0};
        for (int i = 0; i < n; i++) {
            assertEquals(expectedRe[i], eig[0][i], 1e-9, "re " + i);
            assertEquals(expectedIm[i], eig[1][i], 1e-9, "im " + i);
        }
    }

    @Test
    void randomMatrixEigenvaluesSumToTheTraceAndSymmetricOnesMatchJacobi() {
        Random random = new Random(8);
        int n = 60;
        double[][] a = new double[n][n];
        double trace = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = random.nextGaussian();
            }
            trace += a[i][i];
        }
        double[][] eig = GeneralEigenvalues.eigenvalues(copy(a));
        assertEquals(trace, Arrays.stream(eig[0]).sum(), 1e-10);
        assertEquals(0, Arrays.stream(eig[1]).sum(), 1e-10);

        double[] full = SymmetricEigenvaluesContract.randomSymmetric(n, 9);
        double[][] symmetric = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                symmetric[i][j] = full[i + j * n];
            }
        }
        double[] values = GeneralEigenvalues.eigenvalues(symmetric)[0];
        Arrays.sort(values);
        double[] expected = Jacobi.eigenvalues(full, n);
        for (int i = 0; i < n; i++) {
            assertEquals(expected[i], values[i], 1e-11, "eigenvalue " + i);
        }
    }

    private static double[] multiply(double[] p, double[] q) {
        double[] out = new double[p.length + q.length - 1];
        for (int i = 0; i < p.length; i++) {
            for (int j = 0; j < q.length; j++) {
                out[i + j] += p[i] * q[j];
            }
        }
        return out;
    }

    private static double[][] copy(double[][] a) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }
}
