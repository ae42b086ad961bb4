package io.dse4j;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spectral clustering of the reference's vector case agrees with scikit-learn's partition up to a permutation:
 * adjusted Rand index ≥ 0.99 (Hubert &amp; Arabie, 1985).
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
        double ari = adjustedRandIndex(expected, classes.labels());
        assertTrue(ari >= 0.99, "adjusted Rand index " + ari);
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
