package io.dse4j;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DseResult#countAbove} and {@link Spectrum#countAbove}: the number of eigenvalues with |λ| above a floor,
 * against the official package's eigenvalues counted by hand, and its refusals.
 */
class CountAboveTest {

    @Test
    void countsTheOfficialEigenvaluesOfTheSwissRollAboveEachFloor() {
        JsonNode c = ReferenceData.referenceCase("eigvals_swissroll_700x3_sigma10");
        Matrix x = ReferenceData.matrix(c.path("inputs").path("embedding_vectors").asText());
        double[] official = ReferenceData.array(c.path("outputs").path("eigenvalues_file").asText()).values();
        try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().backend(TestBackend.required())
                .sigma(10).build()) {
            DseResult r = dse.compute(x);
            for (double floor : new double[] {1e-9, 1e-6, 1e-3, 0.1, 0.5}) {
                int expected = 0;
                for (double v : official) {
                    // The floors are far from every eigenvalue compared with how closely the two agree (~1e-15).
                    assertTrue(Math.abs(Math.abs(v) - floor) > 1e-12, "eigenvalue " + v + " at the floor " + floor);
                    if (Math.abs(v) > floor) {
                        expected++;
                    }
                }
                assertEquals(expected, r.countAbove(floor), "floor " + floor);
            }
            // By hand on this case: 86 eigenvalues above 1e-6, 7 above 0.1 (from the official .npy).
            assertEquals(86, r.countAbove(1e-6));
            assertEquals(7, r.countAbove(0.1));
            assertEquals(0, r.countAbove(1.5));
        }
    }

    @Test
    void countsModuliStrictlyAboveTheFloor() {
        Spectrum s = Spectrum.of(new double[] {1, -0.5, 1e-7, -1e-7, 0, 0.25});
        assertEquals(2, s.countAbove(0.25));      // 1 and −0.5; not 0.25 itself
        assertEquals(3, s.countAbove(0.2));
        assertEquals(3, s.countAbove(1e-6));
        assertEquals(5, s.countAbove(0));         // all but the exact 0; −1e-7 by its modulus
        assertEquals(0, s.countAbove(1));
    }

    @Test
    void refusesABadFloorAndAResultWithoutExactEigenvalues() {
        Spectrum s = Spectrum.of(new double[] {1, 0.5});
        for (double floor : new double[] {-1e-6, Double.NaN, Double.POSITIVE_INFINITY}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> s.countAbove(floor));
            assertEquals("floor", e.argument());
            assertTrue(e.getMessage().contains("finite number ≥ 0"), e.getMessage());
        }
        Matrix x = ReferenceData.matrix("uniform_500x64.npy");
        try (DiffusionSpectralEntropy exact = DiffusionSpectralEntropy.builder().backend("cpu").build()) {
            DseResult r = exact.compute(x);
            assertThrows(InvalidInputException.class, () -> r.countAbove(-1));
            assertEquals(r.spectrum().countAbove(1e-3), r.countAbove(1e-3));
        }
        for (DiffusionSpectralEntropy.Method method : new DiffusionSpectralEntropy.Method[] {
            DiffusionSpectralEntropy.Method.SLQ, DiffusionSpectralEntropy.Method.CHEBYSHEV}) {
            try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().backend("cpu").method(method)
                    .build()) {
                DseResult r = dse.compute(x);
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.countAbove(1e-6));
                assertTrue(e.getMessage().contains("exact eigenvalues") && e.getMessage().contains(method.label()),
                        e.getMessage());
                // A bad floor is named first, whatever the method.
                assertThrows(InvalidInputException.class, () -> r.countAbove(Double.NaN));
            }
        }
    }
}
