package io.dse4j;

import io.dse4j.internal.cpu.CpuBackends;
import io.dse4j.spi.Points;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data-driven bandwidths against brute force — the median of every pairwise distance (the mean of the middle two
 * for an even count, as numpy's), the mean distance to the k-th neighbour — including inputs whose selection needs
 * several passes or has many equal distances; a computation with them uses that σ; degenerate kernels are warned
 * about with the median σ suggested.
 */
class BandwidthTest {

    private static Points points(double[][] rows) {
        int n = rows.length;
        int d = rows[0].length;
        double[] xt = new double[n * d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                xt[k * n + i] = rows[i][k];
            }
        }
        return new Points(n, d, xt);
    }

    private static double[][] gaussian(int n, int d, long seed) {
        Random random = new Random(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int k = 0; k < d; k++) {
                row[k] = random.nextGaussian();
            }
        }
        return x;
    }

    private static double distance(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += (a[k] - b[k]) * (a[k] - b[k]);
        }
        return Math.sqrt(s);
    }

    private static double bruteMedian(double[][] x) {
        int n = x.length;
        double[] all = new double[n * (n - 1) / 2];
        int at = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                all[at++] = distance(x[i], x[j]);
            }
        }
        Arrays.sort(all);
        return all.length % 2 == 1 ? all[all.length / 2] : (all[all.length / 2 - 1] + all[all.length / 2]) / 2;
    }

    private static double bruteKnn(double[][] x, int k) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double[] d = new double[x.length - 1];
            int at = 0;
            for (int j = 0; j < x.length; j++) {
                if (j != i) {
                    d[at++] = distance(x[i], x[j]);
                }
            }
            Arrays.sort(d);
            sum += d[k - 1];
        }
        return sum / x.length;
    }

    @Test
    void theMedianIsExactForOddAndEvenCountsAndAcrossSeveralPasses() {
        for (int n : new int[] {2, 3, 4, 10, 57, 300, 1201, 3100}) {
            double[][] x = gaussian(n, 7, n);
            for (int threads : new int[] {1, 2}) {
                assertEquals(bruteMedian(x), CpuBackends.medianDistance(points(x), threads), 1e-12 * bruteMedian(x),
                        "n = " + n + ", " + threads + " thread(s)");
            }
        }
    }

    @Test
    void manyEqualDistancesResolveToTheirCommonValue() {
        // 3000 points on three spots: 4.5 million distances take three values, so the refinement runs to 64 bits.
        double[][] x = new double[3000][2];
        for (int i = 0; i < x.length; i++) {
            x[i] = new double[] {i % 3 == 0 ? 0 : 3, i % 3 == 2 ? 4 : 0};
        }
        assertEquals(bruteMedian(x), CpuBackends.medianDistance(points(x), 2), 1e-12);
    }

    @Test
    void theKthNeighbourDistanceMatchesBruteForce() {
        double[][] x = gaussian(333, 5, 4);
        for (int k : new int[] {1, 2, 7, 332}) {
            assertEquals(bruteKnn(x, k), CpuBackends.meanKthNeighbourDistance(points(x), k, 2), 1e-12, "k = " + k);
        }
    }

    @Test
    void aComputationUsesTheRulesSigmaAndSaysWhichItWas() {
        double[][] x = gaussian(400, 6, 9);
        double median = bruteMedian(x);
        try (DiffusionSpectralEntropy byMedian = DiffusionSpectralEntropy.builder().backend("cpu")
                .bandwidth(Bandwidth.median()).build();
             DiffusionSpectralEntropy byKnn = DiffusionSpectralEntropy.builder().backend("cpu")
                     .bandwidth(Bandwidth.knn(5)).build()) {
            DseResult r = byMedian.compute(x);
            assertEquals(median, r.sigma(), 1e-12 * median);
            try (DiffusionSpectralEntropy fixed = DiffusionSpectralEntropy.builder().backend("cpu").sigma(r.sigma())
                    .build()) {
                assertEquals(fixed.compute(x).entropy(), r.entropy(), 0.0, "the same as σ given as that number");
            }
            assertTrue(r.stages().seconds().containsKey("bandwidth"));
            assertEquals(bruteKnn(x, 5), byKnn.compute(x).sigma(), 1e-12);
            InvalidInputException tooMany = assertThrows(InvalidInputException.class, () -> DiffusionSpectralEntropy
                    .builder().backend("cpu").bandwidth(Bandwidth.knn(400)).build().compute(x));
            assertTrue(tooMany.getMessage().contains("knn:400 needs fewer neighbours than the 400 points"),
                    tooMany.getMessage());
        }
        double[][] same = new double[5][2];
        InvalidInputException coincide = assertThrows(InvalidInputException.class, () -> DiffusionSpectralEntropy
                .builder().backend("cpu").bandwidth(Bandwidth.median()).build().compute(same));
        assertTrue(coincide.getMessage().contains("the points coincide"), coincide.getMessage());
    }

    @Test
    void aDegenerateKernelIsWarnedAboutWithTheMedianSigma() {
        double[][] x = gaussian(300, 8, 2);
        double median = bruteMedian(x);
        try (DiffusionSpectralEntropy tiny = DiffusionSpectralEntropy.builder().backend("cpu").sigma(0.001).build();
             DiffusionSpectralEntropy huge = DiffusionSpectralEntropy.builder().backend("cpu").sigma(1e6).build();
             DiffusionSpectralEntropy fine = DiffusionSpectralEntropy.builder().backend("cpu").sigma(median).build()) {
            DseResult identity = tiny.compute(x);
            assertEquals(1, identity.warnings().size(), identity.warnings().toString());
            String w = identity.warnings().get(0);
            assertTrue(w.contains("nearly the identity") && w.contains(String.format(java.util.Locale.ROOT, "%.6g",
                    median)) && w.contains("--sigma median"), w);
            String one = huge.compute(x).warnings().get(0);
            assertTrue(one.contains("rank about one"), one);
            assertEquals(java.util.List.of(), fine.compute(x).warnings());
        }
    }

    @Test
    void aKernelThatAlphaCollapsesBlamesAlphaNotSigma() {
        double[][] x = gaussian(100, 3, 1);
        try (DiffusionSpectralEntropy plain = DiffusionSpectralEntropy.builder().backend("cpu").sigma(1).build();
             DiffusionSpectralEntropy collapsed = DiffusionSpectralEntropy.builder().backend("cpu").sigma(1).alpha(60)
                     .build();
             DiffusionSpectralEntropy tiny = DiffusionSpectralEntropy.builder().backend("cpu").sigma(0.001).alpha(1)
                     .build()) {
            DseResult withoutAlpha = plain.compute(x);
            assertEquals(java.util.List.of(), withoutAlpha.warnings(), "at σ = 1 the kernel is fine without α");
            DseResult r = collapsed.compute(x);
            assertTrue(r.entropy() < 0.02, "α = 60 collapses it: " + r.entropy());
            assertEquals(1, r.warnings().size(), r.warnings().toString());
            String w = r.warnings().get(0);
            assertTrue(w.startsWith("the kernel has rank about one with α-normalisation α = 60.0"), w);
            assertTrue(w.contains("α is the cause, not σ") && w.contains(String.format(java.util.Locale.ROOT,
                    "DSE at t = 1 is %.4f bits", withoutAlpha.entropy())) && w.contains("lower α (--alpha)"), w);
            assertFalse(w.contains("--sigma median"), "σ is not to change: " + w);
            // A σ that is degenerate by itself is still named as the cause, with α or without.
            String sigmaCaused = tiny.compute(x).warnings().get(0);
            assertTrue(sigmaCaused.startsWith("the kernel is nearly the identity at σ = 0.001")
                    && sigmaCaused.contains("--sigma median"), sigmaCaused);
        }
    }

    @Test
    void theCommandLineFormsParse() {
        java.util.function.ToDoubleFunction<String> number = Double::parseDouble;
        assertEquals(Bandwidth.median(), Bandwidth.parse("median", number));
        assertEquals(Bandwidth.knn(5), Bandwidth.parse("KNN:5", number));
        assertEquals(Bandwidth.of(2.5), Bandwidth.parse("2.5", number));
        assertEquals("knn:5", Bandwidth.knn(5).label());
        assertThrows(InvalidInputException.class, () -> Bandwidth.parse("knn:x", number));
        assertThrows(InvalidInputException.class, () -> Bandwidth.parse("knn:0", number));
        assertThrows(InvalidInputException.class, () -> Bandwidth.parse("0", number));
        assertThrows(IllegalStateException.class, () -> Bandwidth.median().sigma());
    }
}
