package io.dse4j;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code t auto}: the closed form of {@link Spectrum#autoTime()} against the rule applied by brute force (t = 1, 2, …
 * until at most ⌈N/100⌉ powered eigenvalues, or as many as equal the largest, stay above 0.01), and the
 * computation's t chosen by it.
 */
class AutoTimeTest {

    /** The rule, literally. */
    private static int bruteForce(double[] lambda) {
        double max = 0;
        for (double v : lambda) {
            max = Math.max(max, Math.abs(v));
        }
        int ones = 0;
        for (double v : lambda) {
            ones += Math.abs(v) / max >= 1 ? 1 : 0;
        }
        int allowed = Math.max((lambda.length + 99) / 100, ones);
        for (int t = 1;; t++) {
            int above = 0;
            for (double v : lambda) {
                above += Math.pow(Math.abs(v) / max, t) > 0.01 ? 1 : 0;
            }
            if (above <= allowed) {
                return t;
            }
        }
    }

    @Test
    void theClosedFormIsTheRule() {
        Random random = new Random(5);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + random.nextInt(400);
            double[] lambda = new double[n];
            double decay = 0.5 + 0.5 * random.nextDouble();
            for (int i = 0; i < n; i++) {
                lambda[i] = (random.nextBoolean() ? 1 : -1) * Math.pow(decay, i) * (0.5 + random.nextDouble());
            }
            if (trial % 3 == 0) {
                lambda[0] = 1;
                lambda[Math.min(1, n - 1)] = 1;   // a repeated top eigenvalue (two components)
            }
            assertEquals(bruteForce(lambda), Spectrum.of(lambda).autoTime(), "trial " + trial);
        }
        assertEquals(1, Spectrum.of(new double[] {1, 0, 0, 0}).autoTime(), "only zeros below the top");
        assertEquals(1, Spectrum.of(new double[] {0, 0}).autoTime(), "an all-zero spectrum");
        assertEquals(459, Spectrum.of(new double[] {1, 0.99, 0.5}).autoTime(),
                "0.99 drops to 0.01 after ln 0.01 / ln 0.99 = 458.2 steps");
    }

    @Test
    void aComputationWithAutoTimeReportsTheChosenT() {
        Matrix x = InterruptionTest.gaussian(300, 4, 8);
        try (DiffusionSpectralEntropy auto = DiffusionSpectralEntropy.builder().backend("cpu").sigma(2).autoTime()
                .build()) {
            DseResult r = auto.compute(x);
            int chosen = r.spectrum().autoTime();
            assertEquals(chosen, r.t(), 0.0);
            assertEquals(r.spectrum().entropy(chosen), r.entropy(), 0.0);
            assertTrue(chosen >= 1);
        }
    }
}
