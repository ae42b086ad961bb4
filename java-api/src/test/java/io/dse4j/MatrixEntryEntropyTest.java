package io.dse4j;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The matrix-entry entropy matches the official value to 1e-9, on the CPU and through the backend under test. */
class MatrixEntryEntropyTest {

    @ParameterizedTest
    @ValueSource(strings = {"mee_swissroll_700x3", "mee_tiny_3x2"})
    void matchesTheOfficialEntropy(String name) {
        JsonNode c = ReferenceData.referenceCase(name);
        Matrix x = ReferenceData.matrix(c.path("inputs").path("embedding_vectors").asText());
        double expected = ReferenceData.number(c.path("outputs").path("entropy"));
        double sigma = c.path("params").path("gaussian_kernel_sigma").asDouble();
        assertEquals(expected, MatrixEntryEntropy.entropy(x, sigma, 10_000, 0, 2), 1e-9, name);
        try (MatrixEntryEntropy mee = MatrixEntryEntropy.builder()
                .backend(TestBackend.required()).sigma(sigma).build()) {
            TestBackend.assertInUse(mee.selection());
            assertEquals(expected, mee.compute(x), 1e-9, name + " on " + mee.selection().chosen());
        }
    }
}
