package io.dse4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference's Chebyshev approximation: over seeds, dse4j's mean DSE agrees with the official package's mean over
 * its unseeded runs (reference/chebyshev_official.json, made by benchmarks/python/official_chebyshev.py) within
 * four standard errors of the difference, on the shared datasets; a seed gives the same number every time, two
 * seeds different ones; and it is an approximation — far from the exact value where the dropped entries matter, as
 * the reference's own figures show.
 */
class ChebyshevApproximationTest {

    private static final int SEEDS = 12;

    @Test
    void theMeanOverSeedsIsTheReferencesMeanOverItsRuns() throws IOException {
        // The approximation runs on the CPU whatever the backend: once is enough.
        org.junit.jupiter.api.Assumptions.assumeTrue(TestBackend.required() == BackendKind.CPU);
        JsonNode official;
        try (InputStream in = getClass().getResourceAsStream("/reference/chebyshev_official.json")) {
            official = new ObjectMapper().readTree(in);
        }
        int runs = official.get("runs").asInt();
        for (var entry : (Iterable<java.util.Map.Entry<String, JsonNode>>) official.get("cases")::fields) {
            Matrix x = ReferenceData.matrix(entry.getKey() + ".npy");
            double sum = 0;
            double squares = 0;
            for (int seed = 0; seed < SEEDS; seed++) {
                try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().backend("cpu").seed(seed)
                        .method(DiffusionSpectralEntropy.Method.CHEBYSHEV).build()) {
                    double v = dse.compute(x).entropy();
                    sum += v;
                    squares += v * v;
                }
            }
            double mean = sum / SEEDS;
            double sd = Math.sqrt(Math.max(0, (squares - SEEDS * mean * mean) / (SEEDS - 1)));
            double theirs = entry.getValue().get("mean").asDouble();
            double theirSd = entry.getValue().get("sd").asDouble();
            double standardError = Math.sqrt(sd * sd / SEEDS + theirSd * theirSd / runs);
            assertTrue(Math.abs(mean - theirs) <= 4 * standardError + 1e-9, entry.getKey() + ": dse4j " + mean
                    + " ± " + sd + " over " + SEEDS + " seeds, official " + theirs + " ± " + theirSd + " over " + runs
                    + " runs");
        }
    }

    @Test
    void aSeedIsReproducibleAndTheResultSaysHowItWasComputed() throws IOException {
        Matrix x = ReferenceData.matrix("swissroll_700x3.npy");
        double[] bySeed = new double[3];
        for (int seed : new int[] {1, 1, 2}) {
            try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().backend(TestBackend.required())
                    .seed(seed).method(DiffusionSpectralEntropy.Method.CHEBYSHEV).build()) {
                DseResult r = dse.compute(x);
                assertEquals("cpu", r.backend());
                assertTrue(r.selection().reasons().stream().anyMatch(w -> w.contains("Chebyshev approximation")
                        && w.contains("seed " + seed)), r.selection().reasons().toString());
                assertTrue(r.stages().seconds().containsKey("chebyshev"));
                bySeed[bySeed[0] == 0 ? 0 : bySeed[1] == 0 ? 1 : 2] = r.entropy();
            }
        }
        assertEquals(bySeed[0], bySeed[1], 0.0, "the same seed, the same probes");
        assertNotEquals(bySeed[0], bySeed[2], "another seed, other probes");
        try (DiffusionSpectralEntropy exact = DiffusionSpectralEntropy.builder().backend("cpu").build()) {
            assertTrue(Math.abs(exact.compute(x).entropy() - bySeed[0]) > 1,
                    "on this kernel the dropped entries change the spectrum a lot, as the reference warns");
        }
        assertEquals(DiffusionSpectralEntropy.Method.CHEBYSHEV, DiffusionSpectralEntropy.Method.parse(" Chebyshev"));
    }
}
