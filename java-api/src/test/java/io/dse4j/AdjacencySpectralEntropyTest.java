package io.dse4j;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** ASE on the Gaussian and the anisotropic (normalised) adjacency matches the official values to 1e-9. */
class AdjacencySpectralEntropyTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ase_gaussian_adj_blobs_400x16,GAUSSIAN", "ase_anisotropic_adj_blobs_400x16,ANISOTROPIC"})
    void matchesTheOfficialEntropy(String name, AdjacencySpectralEntropy.Variant variant) {
        JsonNode c = ReferenceData.referenceCase(name);
        Matrix x = ReferenceData.matrix(c.path("inputs").path("embedding_vectors").asText());
        double expected = ReferenceData.number(c.path("outputs").path("entropy"));
        try (AdjacencySpectralEntropy ase = AdjacencySpectralEntropy.builder(variant)
                .backend(TestBackend.required()).sigma(c.path("params").path("gaussian_kernel_sigma").asDouble())
                .build()) {
            DseResult result = ase.compute(x);
            TestBackend.assertInUse(result.selection());
            assertEquals(expected, result.entropy(), 1e-9, name);
        }
    }

    @org.junit.jupiter.api.Test
    void knnAdjacencyMatchesTheOfficialEntropyThroughComplexModuli() {
        JsonNode c = ReferenceData.referenceCase("ase_knn10_adj_blobs_400x16");
        Matrix x = ReferenceData.matrix(c.path("inputs").path("embedding_vectors").asText());
        double expected = ReferenceData.number(c.path("outputs").path("entropy"));
        try (AdjacencySpectralEntropy ase = AdjacencySpectralEntropy.builder(AdjacencySpectralEntropy.Variant.KNN)
                .backend(TestBackend.required()).knn(c.path("params").path("knn").asInt()).build()) {
            DseResult result = ase.compute(x);
            TestBackend.assertInUse(result.selection());
            assertEquals(expected, result.entropy(), 1e-9);
        }
    }
}
