package io.dse4j.internal.cpu;

import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The CPU backend's numbers do not depend on the thread count: the reductions (the symmetric matrix-vector product
 * of the one-stage tridiagonalisation, the band reduction's Vᵀ·Y and symmetric product, the kernel's degrees) split
 * by their work alone and add their parts in order, so 1, 2, 3 and 5 threads give the same bits — which is what
 * lets a Spark task with one thread reproduce a laptop's many-threaded result. Split as finely as the work allows
 * (grain 1), so that the parts outnumber the threads.
 */
class ThreadCountIndependenceTest {

    private static double[] symmetric(int n, long seed) {
        Random random = new Random(seed);
        double[] a = new double[n * n];
        for (int j = 0; j < n; j++) {
            for (int i = j; i < n; i++) {
                double v = random.nextGaussian();
                a[i + j * n] = v;
                a[j + i * n] = v;
            }
        }
        return a;
    }

    @ParameterizedTest(name = "n={0}, two-stage from {1}")
    @CsvSource({"150, 100000", "301, 100000", "150, 1", "333, 1", "701, 1"})
    void eigenvaluesHaveTheSameBitsForEveryThreadCount(int n, int twoStageFrom) {
        double[] expected = null;
        for (int threads : new int[] {1, 2, 3, 5}) {
            try (Workers workers = new Workers(threads, 1)) {
                double[] values = new SymmetricEigenvalues<>(PanamaOps.INSTANCE, workers, twoStageFrom, 8)
                        .eigenvalues(symmetric(n, n).clone(), n, null);
                if (expected == null) {
                    expected = values;
                } else {
                    assertArrayEquals(expected, values, 0.0, threads + " threads");
                }
            }
        }
    }

    @Test
    void dseHasTheSameBitsForEveryThreadCount() {
        Random random = new Random(4);
        double[][] x = new double[400][12];
        for (double[] row : x) {
            for (int k = 0; k < row.length; k++) {
                row[k] = random.nextDouble() * 3 + (k % 5);
            }
        }
        double[] entropies = new double[4];
        int[] counts = {1, 2, 3, 5};
        for (int i = 0; i < counts.length; i++) {
            try (var dse = DiffusionSpectralEntropy.builder().backend("cpu").threads(counts[i]).build()) {
                entropies[i] = dse.compute(Matrix.of(x)).entropy();
            }
        }
        for (int i = 1; i < entropies.length; i++) {
            assertEquals(entropies[0], entropies[i], 0.0, Arrays.toString(entropies));
        }
    }
}
