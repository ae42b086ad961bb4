package io.dse4j;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DSMI and CSE against the official outputs: with the reference's own subsets replayed, every per-class term and the
 * total agree to 1e-9; with our generator, the total lies within 4 standard deviations of the official estimator's
 * mean; CSE agrees to 1e-12 (it is counting).
 */
class MutualInformationTest {

    private static final String[] DSMI_CASES = {"dsmi_discrete_labels_600", "dsmi_continuous_scalar_600",
        "dsmi_continuous_vector_600x12"};

    private static MutualInformation.Builder builder() {
        return MutualInformation.builder().backend(TestBackend.required());
    }

    /**
     * The classes of a case as dse4j computes them from Y (labels, scalar bins, or spectral clustering for the vector
     * case), checked against the official returned clusters: the replay below then tests the whole chain.
     */
    private static int[] labelsOf(JsonNode c) {
        Matrix y = ReferenceData.matrix(c.path("inputs").path("reference_vectors").asText());
        int[] labels = ReferenceClasses.of(y, ReferenceKind.AUTO, 10).labels();
        double[] official = ReferenceData.array(c.path("outputs").path("returned_clusters_file").asText()).values();
        assertArrayEquals(Arrays.stream(official).mapToInt(v -> (int) v).toArray(), labels);
        return labels;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dsmi_discrete_labels_600", "dsmi_continuous_scalar_600", "dsmi_continuous_vector_600x12"})
    void replayingTheReferenceSubsetsReproducesEveryTerm(String name) {
        JsonNode c = ReferenceData.referenceCase(name);
        Matrix z = ReferenceData.matrix(c.path("inputs").path("embedding_vectors").asText());
        int[] labels = labelsOf(c);
        JsonNode perClass = c.path("outputs").path("per_class_reps5");
        int[][][] subsets = new int[perClass.size()][][];
        for (int k = 0; k < perClass.size(); k++) {
            JsonNode draws = perClass.get(k).path("subset_indices");
            subsets[k] = new int[draws.size()][];
            for (int r = 0; r < draws.size(); r++) {
                JsonNode rows = draws.get(r);
                subsets[k][r] = new int[rows.size()];
                for (int i = 0; i < rows.size(); i++) {
                    subsets[k][r][i] = rows.get(i).asInt();
                }
            }
        }
        try (MutualInformation mi = builder().build()) {
            MiResult result = mi.compute(z, labels, subsets);
            TestBackend.assertInUse(result.selection());
            assertEquals(perClass.size(), result.classes().size());
            for (int k = 0; k < perClass.size(); k++) {
                JsonNode expected = perClass.get(k);
                MiResult.ClassTerm term = result.classes().get(k);
                assertEquals(expected.path("class").asInt(), term.label());
                assertEquals(expected.path("count").asInt(), term.count());
                assertEquals(ReferenceData.number(expected.path("dse_conditional")), term.conditional(), 1e-9,
                        name + " class " + term.label() + " conditional");
                JsonNode values = expected.path("dse_subset_values");
                for (int r = 0; r < values.size(); r++) {
                    assertEquals(ReferenceData.number(values.get(r)), term.subsetValues()[r], 1e-9,
                            name + " class " + term.label() + " subset " + r);
                }
                assertEquals(ReferenceData.number(expected.path("dse_subset_std")), term.subsetSd(), 1e-9);
            }
            assertEquals(ReferenceData.number(c.path("outputs").path("dsmi")), result.mi(), 1e-9, name);
        }
    }

    @Test
    void scalarReferenceIsBinnedExactlyAsTheReferenceDoes() {
        JsonNode c = ReferenceData.referenceCase("dsmi_continuous_scalar_600");
        Matrix y = ReferenceData.matrix("dsmi_ref_scalar_600.npy");
        ReferenceClasses classes = ReferenceClasses.of(y, ReferenceKind.AUTO, 10);
        assertEquals(ReferenceKind.SCALAR, classes.kind());
        double[] expected = ReferenceData.array(c.path("outputs").path("returned_clusters_file").asText()).values();
        assertArrayEquals(Arrays.stream(expected).mapToInt(v -> (int) v).toArray(), classes.labels());
        assertEquals(ReferenceKind.DISCRETE, ReferenceClasses.of(ReferenceData.matrix("dsmi_labels_600.npy"),
                ReferenceKind.AUTO, 10).kind());
    }

    @Test
    void ownSubsetsGiveATotalWithinFourStandardDeviationsOfTheOfficialEstimator() {
        for (String name : DSMI_CASES) {
            JsonNode c = ReferenceData.referenceCase(name);
            Matrix z = ReferenceData.matrix(c.path("inputs").path("embedding_vectors").asText());
            JsonNode stats = c.path("outputs").path("estimator_stats");
            double mean = ReferenceData.number(stats.path("reps5_seeds_1_to_200_mean"));
            double sd = ReferenceData.number(stats.path("reps5_seeds_1_to_200_sd"));
            try (MutualInformation mi = builder().build()) {
                MiResult result = mi.compute(z, labelsOf(c));
                assertEquals(mean, result.mi(), 4 * sd, name + ": " + result.mi());
            }
        }
    }

    @Test
    void classicShannonEntropyMatchesTheReferenceExactly() {
        for (String name : new String[] {"cse_swissroll_700x3_bins2", "cse_swissroll_700x3_bins4",
            "cse_blobs_800x32_bins2", "cse_blobs_800x32_bins4"}) {
            JsonNode c = ReferenceData.referenceCase(name);
            Matrix x = ReferenceData.matrix(c.path("inputs").path("embedding_vectors").asText());
            double expected = ReferenceData.number(c.path("outputs").path("entropy"));
            assertEquals(expected, ClassicShannonEntropy.entropy(x, c.path("params").path("num_bins_per_dim").asInt()),
                    1e-12, name);
        }
    }

    @Test
    void csmiOfAValueTheLabelDeterminesIsAboutOneBit() {
        // Z = 100·label: within a class Z is constant (one bin vector, H = 0); a random half of the rows mixes both
        // values about evenly (H ≈ 1 bit). So CSMI ≈ 1 bit.
        double[][] z = new double[200][1];
        int[] labels = new int[200];
        for (int i = 0; i < 200; i++) {
            labels[i] = i % 2;
            z[i][0] = labels[i] * 100;
        }
        try (MutualInformation mi = builder().measure(MutualInformation.Measure.CSMI).build()) {
            MiResult result = mi.compute(Matrix.of(z), labels);
            assertEquals("csmi", result.measure().label());
            assertTrue(result.mi() > 0.95 && result.mi() <= 1.0, "CSMI " + result.mi());
            assertEquals(0.0, result.classes().get(0).conditional(), 1e-12);
        }
    }

    @Test
    void asmiOfTheNormalisedKernelIsDsmiAtTimeOne() {
        JsonNode c = ReferenceData.referenceCase("dsmi_discrete_labels_600");
        Matrix z = ReferenceData.matrix(c.path("inputs").path("embedding_vectors").asText());
        int[] labels = labelsOf(c);
        try (MutualInformation dsmi = builder().t(1).build();
             MutualInformation asmi = builder().measure(MutualInformation.Measure.ASMI_ANISOTROPIC).build()) {
            assertEquals(dsmi.compute(z, labels).mi(), asmi.compute(z, labels).mi(), 1e-12);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"matrix-entry", "asmi-gaussian", "asmi-knn"})
    void otherMeasuresSeeTheInformationOfSeparatedClasses(String measure) {
        // Three far-apart blobs and their labels, against the same blobs with labels that ignore them.
        java.util.Random random = new java.util.Random(3);
        double[][] z = new double[150][4];
        int[] labels = new int[150];
        int[] unrelated = new int[150];
        for (int i = 0; i < 150; i++) {
            labels[i] = i % 3;
            unrelated[i] = (i / 3) % 3;
            for (int j = 0; j < 4; j++) {
                z[i][j] = (j == labels[i] ? 40 : 0) + random.nextGaussian();
            }
        }
        try (MutualInformation mi = builder().measure(MutualInformation.Measure.parse(measure)).sigma(5).build()) {
            MiResult informative = mi.compute(Matrix.of(z), labels);
            MiResult uninformative = mi.compute(Matrix.of(z), unrelated);
            assertEquals(measure, informative.measure().label());
            // The unrelated labels give ~0; the informative ones move the measure well away from 0. The direction
            // depends on the measure: the Gaussian adjacency's spectrum has one dominant eigenvalue per cluster, so
            // a class (one cluster) has a lower entropy than a mixed subset (three); the matrix-entry entropy goes
            // the other way (one cluster's dense P spreads its entries evenly, a mixed subset's concentrates them in
            // three diagonal blocks), and so does the k-NN adjacency here.
            assertEquals(0.0, uninformative.mi(), 0.2, measure + " with unrelated labels");
            double expectedSign = measure.equals("asmi-gaussian") ? 1 : -1;
            assertTrue(expectedSign * informative.mi() > 0.3, measure + ": " + informative.mi());
        }
    }

    @Test
    void badInputsAreRefusedWithTheirNames() {
        Matrix z = Matrix.of(new double[][] {{1}, {2}, {3}, {4}});
        try (MutualInformation mi = builder().build()) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> mi.compute(z, Matrix.of(new double[][] {{1}, {2}, {3}})));
            assertTrue(e.getMessage().contains("Z has 4 rows but the reference has 3"), e.getMessage());
            assertThrows(InvalidInputException.class, () -> mi.compute(z, new int[] {1, 2}));
            e = assertThrows(InvalidInputException.class, () -> mi.compute(z, Matrix.of(new double[][] {{1, 2},
                {2, 3}, {3, 4}, {4, 5}})));
            assertEquals("clusters", e.argument(), e.getMessage());
        }
        assertThrows(InvalidInputException.class, () -> ReferenceClasses.of(Matrix.of(new double[][] {{0.5}, {1}}),
                ReferenceKind.DISCRETE, 10));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ReferenceClasses.of(Matrix.of(new double[][] {{0.5}, {1.5}, {2.5}}), ReferenceKind.SCALAR, 10));
        assertEquals("clusters", e.argument());
        assertThrows(InvalidInputException.class, () -> MutualInformation.builder().repetitions(0));
        assertThrows(InvalidInputException.class, () -> MutualInformation.builder().clusters(1));
    }

    @Test
    void aSingleRowClassIsSkippedWithAWarning() {
        double[][] z = new double[30][2];
        int[] labels = new int[30];
        for (int i = 0; i < 30; i++) {
            z[i][0] = i;
            z[i][1] = i % 3;
            labels[i] = i == 0 ? 99 : i % 2;
        }
        try (MutualInformation mi = builder().build()) {
            MiResult result = mi.compute(Matrix.of(z), labels);
            assertEquals(2, result.classes().size());
            assertEquals(1, result.warnings().size());
            assertTrue(result.warnings().get(0).contains("class 99"), result.warnings().toString());
        }
    }

    /**
     * A class term is a value: it prints its subsets' entropies (not an array's identity), equals another with the
     * same numbers, and neither the array given nor the one returned can change it.
     */
    @Test
    void aClassTermPrintsAndComparesItsValuesAndCannotBeChangedFromOutside() {
        double[] values = {1.5, 2.25};
        MiResult.ClassTerm term = new MiResult.ClassTerm(3, 10, 0.5, 1.0, 1.875, 0.53, values);
        assertTrue(term.toString().contains("subsetValues=[1.5, 2.25]"), term.toString());
        assertEquals(new MiResult.ClassTerm(3, 10, 0.5, 1.0, 1.875, 0.53, new double[] {1.5, 2.25}), term);
        assertEquals(new MiResult.ClassTerm(3, 10, 0.5, 1.0, 1.875, 0.53, new double[] {1.5, 2.25}).hashCode(),
                term.hashCode());
        assertTrue(!term.equals(new MiResult.ClassTerm(3, 10, 0.5, 1.0, 1.875, 0.53, new double[] {1.5, 2.5})));
        values[0] = 99;
        term.subsetValues()[1] = 99;
        assertEquals(1.5, term.subsetValues()[0]);
        assertEquals(2.25, term.subsetValues()[1]);
    }
}
