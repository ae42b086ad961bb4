package io.dse4j.internal.cpu;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The Pal–Walker–Kahan QL solver on tridiagonal matrices with closed-form or hard spectra. */
class TridiagonalEigenvaluesTest {

    @Test
    void secondDifferenceMatrixHasCosineEigenvalues() {
        // tridiag(-1, 2, -1): λ_k = 2 − 2cos(kπ/(n+1)).
        int n = 500;
        double[] d = new double[n];
        double[] e = new double[n - 1];
        Arrays.fill(d, 2.0);
        Arrays.fill(e, -1.0);
        TridiagonalEigenvalues.solve(d, e, n);
        for (int k = 1; k <= n; k++) {
            assertEquals(2 - 2 * Math.cos(k * Math.PI / (n + 1)), d[k - 1], 1e-13, "k = " + k);
        }
    }

    @Test
    void wilkinsonMatrixHasItsNearlyEqualTopPair() {
        // W21+: d = |10 − i|, e = 1. Its two largest eigenvalues agree to 14 digits (Wilkinson, 1965):
        // 10.746194182903393 and 10.746194182903322.
        int n = 21;
        double[] d = new double[n];
        double[] e = new double[n - 1];
        for (int i = 0; i < n; i++) {
            d[i] = Math.abs(10 - i);
        }
        Arrays.fill(e, 1.0);
        TridiagonalEigenvalues.solve(d, e, n);
        assertEquals(10.746194182903393, d[n - 1], 1e-13);
        assertEquals(10.746194182903322, d[n - 2], 1e-13);
    }

    @Test
    void gradedMatrixKeepsItsSmallEigenvaluesAccurate() {
        // d_i = 10^(-i), e_i small relative to neighbours: eigenvalues ≈ the diagonal to high relative accuracy,
        // whichever end the grading starts from (the solver flips such blocks to iterate from the small end).
        for (boolean increasing : new boolean[] {false, true}) {
            int n = 12;
            double[] d = new double[n];
            double[] e = new double[n - 1];
            for (int i = 0; i < n; i++) {
                int k = increasing ? n - 1 - i : i;
                d[i] = Math.pow(10, -k);
            }
            for (int i = 0; i < n - 1; i++) {
                e[i] = 1e-3 * Math.sqrt(d[i] * d[i + 1]);
            }
            double[] expected = d.clone();
            Arrays.sort(expected);
            TridiagonalEigenvalues.solve(d, e, n);
            for (int i = 0; i < n; i++) {
                assertEquals(expected[i], d[i], 1e-5 * expected[i], "eigenvalue " + i);
            }
        }
    }

    @Test
    void splitMatrixIsSolvedBlockByBlock() {
        double[] d = {1, 2, 3, 4, 5};
        double[] e = {0, 1, 0, 0};
        TridiagonalEigenvalues.solve(d, e, 5);
        // Blocks: [1], [[2,1],[1,3]] (2.5 ± √1.25), [4], [5].
        assertEquals(1, d[0], 1e-15);
        assertEquals(2.5 - Math.sqrt(1.25), d[1], 1e-15);
        assertEquals(2.5 + Math.sqrt(1.25), d[2], 1e-15);
        assertEquals(4, d[3], 1e-15);
        assertEquals(5, d[4], 1e-15);
    }

    @Test
    void nonFiniteEntriesAreRefused() {
        assertThrows(ArithmeticException.class,
                () -> TridiagonalEigenvalues.solve(new double[] {1, Double.NaN}, new double[] {1}, 2));
    }
}
