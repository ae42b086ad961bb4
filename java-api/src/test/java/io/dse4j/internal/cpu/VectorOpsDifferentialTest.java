package io.dse4j.internal.cpu;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Vector API kernels compute what the scalar loops compute, on random inputs at odd offsets and lengths that
 * exercise every tail, within a tolerance scaled by the length (the summation order differs).
 */
class VectorOpsDifferentialTest {

    private static final VectorOps<double[]> SCALAR = ScalarOps.INSTANCE;
    private static final VectorOps<double[]> SIMD = PanamaOps.INSTANCE;
    private static final int[] LENGTHS = {0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 100, 257};

    private static double[] random(int n, long seed) {
        Random r = new Random(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextGaussian();
        }
        return x;
    }

    @Test
    void dotAxpyAndSymvColumnAgree() {
        for (int m : LENGTHS) {
            double[] x = random(m + 5, m);
            double[] y = random(m + 7, m + 1);
            assertEquals(SCALAR.dot(x, 3, y, 5, m), SIMD.dot(x, 3, y, 5, m), 1e-13 * (m + 1), "dot " + m);

            double[] y1 = y.clone();
            double[] y2 = y.clone();
            SCALAR.axpy(0.7, x, 2, y1, 4, m);
            SIMD.axpy(0.7, x, 2, y2, 4, m);
            assertArrayEquals(y1, y2, 1e-15, "axpy " + m);

            double[] z1 = y.clone();
            double[] z2 = y.clone();
            double s1 = SCALAR.symvColumn(x, 1, -1.3, y, 2, z1, 3, m);
            double s2 = SIMD.symvColumn(x, 1, -1.3, y, 2, z2, 3, m);
            assertEquals(s1, s2, 1e-13 * (m + 1), "symvColumn dot " + m);
            assertArrayEquals(z1, z2, 1e-14, "symvColumn axpy " + m);
        }
    }

    /**
     * The squared distance by differences agrees between the two, and with the plain sum on points far from the
     * origin (offset 1e9), where it must not cancel.
     */
    @Test
    void squaredDistancesByDifferencesAgree() {
        for (int m : LENGTHS) {
            double[] x = random(2 * m + 9, m + 2);
            for (int i = 0; i < x.length; i++) {
                x[i] += 1e9;
            }
            double plain = 0;
            for (int k = 0; k < m; k++) {
                double d = x[4 + k] - x[m + 6 + k];
                plain += d * d;
            }
            assertEquals(plain, SCALAR.squaredDistance(x, 4, m + 6, m), 1e-14 * (m + 1), "scalar " + m);
            assertEquals(plain, SIMD.squaredDistance(x, 4, m + 6, m), 1e-14 * (m + 1), "SIMD " + m);
        }
    }

    @Test
    void fourColumnKernelsAgree() {
        for (int m : LENGTHS) {
            int lda = m + 11;
            double[] a = random(4 * lda + 10, 7 * m);
            double[] v = random(m + 9, 3 * m);
            double[] y = random(m + 9, 5 * m);
            double[] y1 = y.clone();
            double[] y2 = y.clone();
            double[] d1 = new double[4];
            double[] d2 = new double[4];
            SCALAR.symvColumns4(a, 2, lda, 0.5, -1, 2, 0.25, v, 4, y1, 1, m, d1);
            SIMD.symvColumns4(a, 2, lda, 0.5, -1, 2, 0.25, v, 4, y2, 1, m, d2);
            assertArrayEquals(d1, d2, 1e-13 * (m + 1), "symvColumns4 dots " + m);
            assertArrayEquals(y1, y2, 1e-13, "symvColumns4 y " + m);

        }
    }
}
