package io.dse4j;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The paper's qualitative results (Liao, Liu et al., arXiv 2312.04823), with fixed seeds: DSMI falls to about zero
 * as labels lose their information, DSE grows with the intrinsic dimension, and at large t DSE counts clusters.
 */
class PaperBehaviourTest {

    private static double[][] blobs(int perBlob, int blobs, int dims, double separation, Random random) {
        double[][] x = new double[perBlob * blobs][dims];
        for (int i = 0; i < x.length; i++) {
            int blob = i % blobs;
            for (int j = 0; j < dims; j++) {
                x[i][j] = (j == blob % dims ? separation * (1 + blob / dims) : 0) + random.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void dsmiFallsToAboutZeroAsLabelsAreShuffled() {
        Random random = new Random(11);
        double[][] x = blobs(100, 3, 10, 60, random);
        int[] labels = new int[x.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 3;
        }
        double previous = Double.POSITIVE_INFINITY;
        double[] fractions = {0, 0.25, 0.5, 0.75, 1.0};
        double last = 0;
        try (MutualInformation mi = MutualInformation.builder().backend(TestBackend.required()).repetitions(10)
                .build()) {
            for (double fraction : fractions) {
                int[] shuffled = labels.clone();
                Random shuffle = new Random(5);
                // Replace a fraction of the labels by random ones.
                for (int i = 0; i < shuffled.length; i++) {
                    if (shuffle.nextDouble() < fraction) {
                        shuffled[i] = shuffle.nextInt(3);
                    }
                }
                double value = mi.compute(Matrix.of(x), shuffled).mi();
                assertTrue(value < previous, "DSMI must fall: " + value + " after " + previous + " at " + fraction);
                previous = value;
                last = value;
            }
        }
        assertEquals(0.0, last, 0.1, "fully shuffled labels carry no information");
    }

    @Test
    void dseGrowsWithIntrinsicDimension() {
        // Points uniform in a d-dimensional cube, embedded in 50 dimensions by a random rotation.
        double previous = -1;
        try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().backend(TestBackend.required())
                .sigma(2).build()) {
            for (int d : new int[] {1, 2, 4, 8}) {
                Random random = new Random(100 + d);
                double[][] basis = orthonormalRows(d, 50, random);
                double[][] x = new double[400][50];
                for (double[] row : x) {
                    for (int k = 0; k < d; k++) {
                        double coordinate = 10 * random.nextDouble();
                        for (int j = 0; j < 50; j++) {
                            row[j] += coordinate * basis[k][j];
                        }
                    }
                }
                double entropy = dse.compute(x).entropy();
                assertTrue(entropy > previous, "d = " + d + ": " + entropy + " after " + previous);
                previous = entropy;
            }
        }
    }

    @Test
    void atLargeDiffusionTimeDseCountsWellSeparatedBlobs() {
        for (int k : new int[] {2, 4, 8}) {
            double[][] x = blobs(50, k, 8, 100, new Random(k));
            try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().backend(TestBackend.required())
                    .sigma(3).build()) {
                Spectrum spectrum = dse.compute(x).spectrum();
                assertEquals(Math.log(k) / Math.log(2), spectrum.entropy(1000), 0.01, k + " blobs");
            }
        }
    }

    private static double[][] orthonormalRows(int rows, int cols, Random random) {
        double[][] q = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                q[r][c] = random.nextGaussian();
            }
            for (int p = 0; p < r; p++) {
                double dot = 0;
                for (int c = 0; c < cols; c++) {
                    dot += q[r][c] * q[p][c];
                }
                for (int c = 0; c < cols; c++) {
                    q[r][c] -= dot * q[p][c];
                }
            }
            double norm = 0;
            for (int c = 0; c < cols; c++) {
                norm += q[r][c] * q[r][c];
            }
            norm = Math.sqrt(norm);
            for (int c = 0; c < cols; c++) {
                q[r][c] /= norm;
            }
        }
        return q;
    }
}
