package io.dse4j;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Distances that the Gram expansion ‖xᵢ‖² + ‖xⱼ‖² − 2xᵢ·xⱼ cancels away: one far outlier (it moves the mean, so
 * every other point is far from the centre), two far clusters, values near 2⁶⁴. Every number — DSE, the σ rules, the
 * matrix-entry entropy, the SLQ estimate — equals brute force on distances formed by differences, Σ(xᵢₖ − xⱼₖ)²,
 * whatever the outlier's distance: before the cancelling entries were recomputed, an outlier at 1e9 moved DSE from
 * 1.8853 to 1.8929 (3.0103 at 1e12), and σ = median came out 6.93 for a true 7.47. Runs on the suite's backend.
 */
class FarPointsTest {

    private static DiffusionSpectralEntropy.Builder builder() {
        return DiffusionSpectralEntropy.builder().backend(TestBackend.required());
    }

    /** 40 points of scale 3 in D = 8 and one more at distance {@code far} along the first axis. */
    private static double[][] withOutlier(double far) {
        Random random = new Random(3);
        double[][] x = new double[41][8];
        for (int i = 0; i < 40; i++) {
            for (int k = 0; k < 8; k++) {
                x[i][k] = 3 * random.nextGaussian();
            }
        }
        x[40][0] = far;
        return x;
    }

    /** Two clusters of 30 points of scale 1 in D = 4, {@code apart} from each other along the first axis. */
    private static double[][] twoClusters(double apart) {
        Random random = new Random(8);
        double[][] x = new double[60][4];
        for (int i = 0; i < 60; i++) {
            for (int k = 0; k < 4; k++) {
                x[i][k] = random.nextGaussian() + (k == 0 && i >= 30 ? apart : 0);
            }
        }
        return x;
    }

    static double bruteForceEntropy(double[][] x, double sigma) {
        return Spectrum.of(BruteForce.eigenvalues(BruteForce.diffusionKernel(x, sigma))).entropy(1);
    }

    @ParameterizedTest(name = "outlier at {0}")
    @ValueSource(doubles = {1e3, 1e5, 1e9, 1e10, 1e12, 1e15})
    void aFarOutlierDoesNotChangeTheOtherPointsGeometry(double far) {
        double[][] x = withOutlier(far);
        double expected = bruteForceEntropy(x, 10);
        for (Precision precision : Precision.values()) {
            try (DiffusionSpectralEntropy dse = builder().precision(precision).build()) {
                DseResult result = dse.compute(x);
                TestBackend.assertInUse(result.selection());
                // f32 rounds K to 6e-8; the bulk's spread of 3 against an outlier at 1e12 used to give 3.68 bits.
                assertEquals(expected, result.entropy(), precision == Precision.F32 ? 1e-5 : 1e-10,
                        precision + ", outlier at " + far);
            }
        }
    }

    @ParameterizedTest(name = "{0} apart")
    @ValueSource(doubles = {1e4, 1e9, 1e12})
    void twoFarClustersAreTwoClustersOfTheirOwnShape(double apart) {
        double[][] x = twoClusters(apart);
        try (DiffusionSpectralEntropy dse = builder().build()) {
            DseResult result = dse.compute(x);
            TestBackend.assertInUse(result.selection());
            // The official package prints 4.21 at 1e9 (its distances cancel too); differences give this.
            assertEquals(bruteForceEntropy(x, 10), result.entropy(), 1e-10);
        }
    }

    @Test
    void pointsNearTwoToTheSixtyFourStayDistinct() {
        double[][] x = {{Math.scalb(1.0, 64) - 1, 0}, {0, 0}, {1, 1}};
        try (DiffusionSpectralEntropy dse = builder().sigma(1).build()) {
            assertEquals(bruteForceEntropy(x, 1), dse.compute(x).entropy(), 1e-12);
        }
    }

    @ParameterizedTest(name = "outlier at {0}")
    @ValueSource(doubles = {1e5, 1e9, 1e12})
    void bandwidthRulesReadTheTrueDistances(double far) {
        double[][] x = withOutlier(far);
        double[][] d2 = BruteForce.squaredDistances(x);
        int n = x.length;
        double[] pairs = new double[n * (n - 1) / 2];
        int at = 0;
        double kthSum = 0;
        for (int i = 0; i < n; i++) {
            double[] row = new double[n - 1];
            int r = 0;
            for (int j = 0; j < n; j++) {
                if (j > i) {
                    pairs[at++] = Math.sqrt(d2[i][j]);
                }
                if (j != i) {
                    row[r++] = d2[i][j];
                }
            }
            Arrays.sort(row);
            kthSum += Math.sqrt(row[4]);
        }
        Arrays.sort(pairs);
        double median = (pairs[(pairs.length - 1) / 2] + pairs[pairs.length / 2]) / 2;
        try (DiffusionSpectralEntropy dse = builder().bandwidth(Bandwidth.median()).build()) {
            assertEquals(median, dse.compute(x).sigma(), 1e-12 * median, "σ = median");
        }
        try (DiffusionSpectralEntropy dse = builder().bandwidth(Bandwidth.knn(5)).build()) {
            assertEquals(kthSum / n, dse.compute(x).sigma(), 1e-12 * kthSum / n, "σ = knn:5");
        }
    }

    /**
     * The k-NN adjacency (ASE knn) reads the original coordinates: 20 points 1e-9 apart near 1e6 and an outlier at
     * −1e12, whose mean-centred coordinates keep only two distinct values among the 20.
     */
    @Test
    void theNearestNeighboursOfCloseFarPointsAreTheirOwn() {
        double[][] x = new double[21][1];
        for (int i = 0; i < 20; i++) {
            x[i][0] = 1e6 + i * 1e-9;
        }
        x[20][0] = -1e12;
        int k = 4;
        double[][] d2 = BruteForce.squaredDistances(x);
        double[][] adjacency = io.dse4j.spi.KnnAdjacency.of(
                PreparedPoints.gather(Matrix.of(x), null, Precision.F64), k);
        for (int i = 0; i < x.length; i++) {
            double[] row = d2[i].clone();
            Arrays.sort(row);
            for (int j = 0; j < x.length; j++) {
                assertEquals(d2[i][j] <= row[k - 1] ? 1.0 : 0.0, adjacency[i][j], "adjacency " + i + ", " + j);
            }
        }
    }

    @Test
    void matrixEntryEntropyReadsTheTrueDistances() {
        double[][] x = withOutlier(1e10);
        double[][] k = BruteForce.diffusionKernel(x, 10);
        int n = x.length;
        double[] rowSums = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                rowSums[i] += k[i][j];
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                total += k[i][j] / rowSums[i];
            }
        }
        double expected = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double p = k[i][j] / rowSums[i] / total + Spectrum.PROBABILITY_EPSILON;
                expected -= p * Math.log(p) / Math.log(2);
            }
        }
        try (MatrixEntryEntropy entropy = MatrixEntryEntropy.builder().options(builder().options()).build()) {
            assertEquals(expected, entropy.compute(Matrix.of(x)), 1e-10);
        }
    }

    @Test
    void theSlqEstimateCoversTheTrueValueWithAnOutlier() {
        double[][] x = withOutlier(1e9);
        double expected = bruteForceEntropy(x, 10);
        for (boolean matrixFree : new boolean[] {false, true}) {
            try (DiffusionSpectralEntropy dse = builder().method(DiffusionSpectralEntropy.Method.SLQ)
                    .slqMatrixFree(matrixFree).build()) {
                DseResult result = dse.compute(x);
                assertEquals(expected, result.entropy(), Math.max(result.errorBar(), 1e-9),
                        "matrix-free " + matrixFree);
            }
        }
    }
}
