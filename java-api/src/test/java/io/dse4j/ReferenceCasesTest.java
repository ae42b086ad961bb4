package io.dse4j;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every plain-DSE case of the official implementation agrees to 1e-9 bits, and its eigenvalues to 1e-12·N, on the
 * backend this suite runs (the CPU backend unless -Ddse4j.test.backend says otherwise).
 */
class ReferenceCasesTest {

    private static final double ENTROPY_TOLERANCE = 1e-9;

    private static DiffusionSpectralEntropy.Builder builder;

    @BeforeAll
    static void chooseBackend() {
        builder = DiffusionSpectralEntropy.builder().backend(TestBackend.required());
    }

    @AfterAll
    static void release() {
        builder = null;
    }

    @TestFactory
    Stream<DynamicTest> everyDseCaseMatchesTheOfficialEntropy() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : ReferenceData.expected().path("cases").properties()) {
            JsonNode c = entry.getValue();
            JsonNode params = c.path("params");
            boolean plainDse = c.path("function").asText().equals("diffusion_spectral_entropy")
                    && !params.path("classic_shannon_entropy").asBoolean()
                    && !params.path("matrix_entry_entropy").asBoolean();
            if (!plainDse) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest(entry.getKey(), () -> {
                Matrix x = ReferenceData.matrix(c.path("inputs").path("embedding_vectors").asText());
                double expected = ReferenceData.number(c.path("outputs").path("entropy"));
                try (DiffusionSpectralEntropy dse = builder
                        .sigma(params.path("gaussian_kernel_sigma").asDouble())
                        .t(params.path("t").asDouble())
                        .maxN(params.path("max_N").asInt())
                        .build()) {
                    TestBackend.assertInUse(dse.selection());
                    DseResult result;
                    JsonNode indices = c.path("outputs").path("subsample_indices");
                    if (indices.isArray()) {
                        int[] rows = new int[indices.size()];
                        for (int i = 0; i < rows.length; i++) {
                            rows[i] = indices.get(i).asInt();
                        }
                        result = dse.computeRows(x, rows);
                    } else {
                        assertTrue(x.rows() <= params.path("max_N").asInt());
                        result = dse.compute(x);
                    }
                    assertEquals(expected, result.entropy(), ENTROPY_TOLERANCE, entry.getKey());
                }
            }));
        }
        assertFalse(tests.isEmpty());
        assertTrue(tests.size() >= 18, "expected at least 18 DSE cases, found " + tests.size());
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> singlePrecisionStaysWithinItsTolerance() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : ReferenceData.expected().path("cases").properties()) {
            JsonNode c = entry.getValue();
            JsonNode params = c.path("params");
            if (!entry.getKey().startsWith("dse_") || c.path("outputs").has("subsample_indices")) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest(entry.getKey(), () -> {
                Matrix x = ReferenceData.matrix(c.path("inputs").path("embedding_vectors").asText());
                double expected = ReferenceData.number(c.path("outputs").path("entropy"));
                try (DiffusionSpectralEntropy dse = builder.precision(Precision.F32)
                        .sigma(params.path("gaussian_kernel_sigma").asDouble())
                        .t(params.path("t").asDouble())
                        .maxN(params.path("max_N").asInt()).build()) {
                    DseResult result = dse.compute(x);
                    assertEquals(Precision.F32, result.precision());
                    // Storing K in single precision gives every eigenvalue an error of ~1e-7, which the |λ| of
                    // DSE turns into mass on the eigenvalues that are rounding noise in f64. Where those are over
                    // 90% of the spectrum (σ = 50 on the swiss roll: 649 of 700) that costs ~1.3e-4 bits.
                    JsonNode noise = c.path("diagnostics").path("n_abs_eig_below_1e-12");
                    double noiseFraction = noise.asDouble(0) / result.n();
                    double tolerance = noiseFraction > 0.9 ? 1e-3 : 1e-4;
                    assertEquals(expected, result.entropy(), tolerance, entry.getKey());
                } finally {
                    builder.precision(Precision.F64);
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> kernelEigenvaluesMatchTheOfficialOnes() {
        return Stream.of("eigvals_uniform_500x64_sigma10", "eigvals_swissroll_700x3_sigma10").map(name -> DynamicTest
                .dynamicTest(name, () -> {
                    JsonNode c = ReferenceData.referenceCase(name);
                    Matrix x = ReferenceData.matrix(c.path("inputs").path("embedding_vectors").asText());
                    double[] expected = ReferenceData.array(c.path("outputs").path("eigenvalues_file").asText())
                            .values();
                    try (DiffusionSpectralEntropy dse = builder.sigma(10).t(1).maxN(10_000).build()) {
                        double[] actual = dse.compute(x).spectrum().eigenvalues();
                        Arrays.sort(actual);
                        Arrays.sort(expected);
                        assertEquals(expected.length, actual.length);
                        double tolerance = 1e-12 * expected.length;
                        for (int i = 0; i < expected.length; i++) {
                            assertEquals(expected[i], actual[i], tolerance, name + " eigenvalue " + i);
                        }
                    }
                }));
    }

    @Test
    void aSpectrumReproducesTheOfficialEntropyAtOtherDiffusionTimes() {
        Matrix x = ReferenceData.matrix("swissroll_700x3.npy");
        try (DiffusionSpectralEntropy dse = builder.sigma(1).t(1).maxN(10_000).build()) {
            Spectrum spectrum = dse.compute(x).spectrum();
            for (int t : new int[] {1, 2, 5}) {
                double expected = ReferenceData.number(ReferenceData.referenceCase("dse_swissroll_700x3_sigma1_t" + t)
                        .path("outputs").path("entropy"));
                assertEquals(expected, spectrum.entropy(t), ENTROPY_TOLERANCE, "t = " + t);
            }
        }
    }
}
