package io.dse4j;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spectral clustering gives scikit-learn's partition exactly, up to a permutation of the labels (adjusted Rand index
 * 1, Hubert &amp; Arabie, 1985): on the reference's vector case, and on uniform points (no cluster structure: the
 * partition hangs on the leading eigenvectors alone) labelled by scikit-learn 1.2.1 with the reference's settings
 * ({@code benchmarks/python/spectral_case.py}), by the sparse iteration at both sizes; and well-separated blobs
 * come out as they were drawn.
 */
class SpectralClusteringTest {

    @Test
    void vectorReferenceGivesTheOfficialPartition() {
        JsonNode c = ReferenceData.referenceCase("dsmi_continuous_vector_600x12");
        Matrix y = ReferenceData.matrix(c.path("inputs").path("reference_vectors").asText());
        int[] expected = Arrays.stream(ReferenceData.array(c.path("outputs").path("returned_clusters_file").asText())
                .values()).mapToInt(v -> (int) v).toArray();
        ReferenceClasses classes = ReferenceClasses.of(y, ReferenceKind.AUTO, 10);
        assertEquals(ReferenceKind.VECTOR, classes.kind());
        assertEquals(1.0, adjustedRandIndex(expected, classes.labels()), 1e-12);
    }

    @Test
    void uniformPointsGiveScikitLearnsPartition() throws java.io.IOException {
        for (String name : new String[] {"spectral_uniform_1200x16", "spectral_uniform_400x64"}) {
            Matrix y = io.dse4j.io.MatrixFiles.read(scikitLearn(name + ".npy"));
            int[] expected = Arrays.stream(io.dse4j.io.MatrixFiles.readArray(scikitLearn(name + "_labels.npy"), null)
                    .values()).mapToInt(v -> (int) v).toArray();
            int k = Arrays.stream(expected).max().getAsInt() + 1;
            for (int threads : new int[] {1, 2}) {
                assertEquals(1.0, adjustedRandIndex(expected, SpectralClustering.labels(y, k, 10, threads)), 1e-12,
                        name + ", " + threads + " threads");
            }
        }
    }

    @Test
    void theScaleOfTheVectorsDoesNotMatter() throws java.io.IOException {
        // Squared distances of points at 1e-300 underflow and those of points at 1e200 overflow; the neighbours are
        // those of the points at scale 1, and so is the partition.
        Matrix y = io.dse4j.io.MatrixFiles.read(scikitLearn("spectral_uniform_400x64.npy"));
        int[] expected = SpectralClustering.labels(y, 6, 10, 2);
        for (double scale : new double[] {1e-300, 3e-200, 1e200, 1e300}) {
            double[][] scaled = new double[y.rows()][y.cols()];
            for (int i = 0; i < y.rows(); i++) {
                for (int j = 0; j < y.cols(); j++) {
                    scaled[i][j] = y.at(i, j) * scale;
                }
            }
            assertEquals(1.0, adjustedRandIndex(expected, SpectralClustering.labels(Matrix.of(scaled), 6, 10, 2)),
                    1e-12, "scale " + scale);
        }
    }

    @Test
    void asManyNeighboursAsPointsAreAllowedAsInScikitLearn() {
        double[][] y = {{0, 0}, {0, 1}, {5, 5}, {5, 6}, {9, 0}};
        assertEquals(5, SpectralClustering.labels(Matrix.of(y), 2, 5, 1).length);
        InvalidInputException tooMany = org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class,
                () -> SpectralClustering.labels(Matrix.of(y), 2, 6, 1));
        assertEquals("neighbours", tooMany.argument());
    }

    @Test
    void moreClustersThanTheIterationHasRoomForAreRefusedBeyondTheDenseSize() {
        java.util.Random random = new java.util.Random(5);
        double[][] y = new double[4100][2];
        for (double[] row : y) {
            row[0] = random.nextDouble();
            row[1] = random.nextDouble();
        }
        InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class,
                () -> SpectralClustering.labels(Matrix.of(y), 2000, 10, 2));
        assertEquals("clusters", e.argument());
        assertTrue(e.getMessage().contains("at most 1025 clusters here"), e.getMessage());
    }

    private static java.nio.file.Path scikitLearn(String file) {
        try {
            return java.nio.file.Path.of(SpectralClusteringTest.class.getResource("/scikit-learn/" + file).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void wellSeparatedBlobsAreRecoveredExactly() {
        java.util.Random random = new java.util.Random(4);
        double[][] y = new double[120][3];
        int[] truth = new int[120];
        for (int i = 0; i < 120; i++) {
            truth[i] = i % 4;
            for (int j = 0; j < 3; j++) {
                y[i][j] = (j == truth[i] % 3 ? 20 * (1 + truth[i] / 3) : 0) + random.nextGaussian();
            }
        }
        int[] labels = SpectralClustering.labels(Matrix.of(y), 4, 10, 2);
        assertEquals(1.0, adjustedRandIndex(truth, labels), 1e-12);
    }

    static double adjustedRandIndex(int[] a, int[] b) {
        Map<Long, Long> pairs = new HashMap<>();
        Map<Integer, Long> rows = new HashMap<>();
        Map<Integer, Long> cols = new HashMap<>();
        for (int i = 0; i < a.length; i++) {
            pairs.merge(((long) a[i] << 32) ^ (b[i] & 0xffffffffL), 1L, Long::sum);
            rows.merge(a[i], 1L, Long::sum);
            cols.merge(b[i], 1L, Long::sum);
        }
        double index = pairs.values().stream().mapToDouble(SpectralClusteringTest::choose2).sum();
        double sumRows = rows.values().stream().mapToDouble(SpectralClusteringTest::choose2).sum();
        double sumCols = cols.values().stream().mapToDouble(SpectralClusteringTest::choose2).sum();
        double expectedIndex = sumRows * sumCols / choose2(a.length);
        double max = 0.5 * (sumRows + sumCols);
        return (index - expectedIndex) / (max - expectedIndex);
    }

    private static double choose2(long x) {
        return x * (x - 1) / 2.0;
    }
}
