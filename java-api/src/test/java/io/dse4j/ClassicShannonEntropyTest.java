package io.dse4j;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CSE's binning: computed by arithmetic, it puts every value in the bin the reference's edge-by-edge count does. */
class ClassicShannonEntropyTest {

    /** The specification: the number of numpy left edges k·(1/bins), k in [0, bins), that are ≤ the scaled value. */
    private static int binByCountingEdges(double v, double min, double max, int bins) {
        if (!(max > min)) {
            return bins;
        }
        double scaled = (v - min) / (max - min);
        double step = 1.0 / bins;
        int bin = 0;
        for (int k = 0; k < bins; k++) {
            if (k * step <= scaled) {
                bin = k + 1;
            }
        }
        return bin;
    }

    @Test
    void everyValueLandsInTheBinThatCountingTheEdgesGives() {
        Random random = new Random(42);
        for (int bins = 1; bins <= 200; bins++) {
            double step = 1.0 / bins;
            for (int k = 0; k <= bins; k++) {
                // On an edge as numpy computes it, on k/bins (not always the same double), and one ulp either side.
                for (double v : new double[] {k * step, (double) k / bins}) {
                    for (double w : new double[] {v, Math.nextDown(v), Math.nextUp(v)}) {
                        if (w >= 0 && w <= 1) {
                            assertSameBin(w, 0, 1, bins);
                        }
                    }
                }
            }
            for (int i = 0; i < 200; i++) {
                assertSameBin(random.nextDouble(), 0, 1, bins);
                double min = -100 + 200 * random.nextDouble();
                double max = min + 1e-3 + 100 * random.nextDouble();
                assertSameBin(min + (max - min) * random.nextDouble(), min, max, bins);
            }
            assertSameBin(0, 0, 1, bins);
            assertSameBin(1, 0, 1, bins);
            assertSameBin(-3, -3, 5, bins);
            assertSameBin(5, -3, 5, bins);
            assertSameBin(2, 2, 2, bins);                                           // a constant column
            assertSameBin(Double.MAX_VALUE, -Double.MAX_VALUE, Double.MAX_VALUE, bins); // max − min overflows: NaN
            assertSameBin(0, -Double.MAX_VALUE, Double.MAX_VALUE, bins);
        }
    }

    private static void assertSameBin(double v, double min, double max, int bins) {
        assertEquals(binByCountingEdges(v, min, max, bins), ClassicShannonEntropy.bin(v, min, max, bins),
                () -> "v = " + v + " in [" + min + ", " + max + "], bins = " + bins);
    }

    @Test
    void manyBinsGiveTheCountedBinAtChosenPoints() {
        // 5·10⁷ bins: still cheap to count edge by edge at a few points.
        int bins = 50_000_000;
        double step = 1.0 / bins;
        for (long k : new long[] {0, 1, 7, bins / 3, bins / 2, bins - 1}) {
            double v = k * step;
            for (double w : new double[] {v, Math.nextDown(v), Math.nextUp(v)}) {
                if (w >= 0 && w <= 1) {
                    assertSameBin(w, 0, 1, bins);
                }
            }
        }
        assertSameBin(1, 0, 1, bins);
        assertSameBin(0.3, 0, 1, bins);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void hugeBinCountsGiveTheFirstEdgeAboveTheValue() {
        // Counting 2·10⁹ edges per value is the slowness being removed; since k·step is monotone in k the count is
        // the bin b with edge b−1 ≤ scaled < edge b, which is checked directly.
        Random random = new Random(7);
        for (int bins : new int[] {1 << 30, 1_000_000_007, 2_000_000_000, Integer.MAX_VALUE}) {
            double step = 1.0 / bins;
            for (long k : new long[] {0, 1, 2, bins / 3, bins / 2, bins - 2L, bins - 1L}) {
                double v = k * step;
                assertFirstEdgeAbove(v, bins);
                assertFirstEdgeAbove(Math.nextUp(v), bins);
                if (v > 0) {
                    assertFirstEdgeAbove(Math.nextDown(v), bins);
                }
                assertFirstEdgeAbove((double) k / bins, bins);
            }
            for (int i = 0; i < 10_000; i++) {
                assertFirstEdgeAbove(random.nextDouble(), bins);
            }
            assertEquals(bins, ClassicShannonEntropy.bin(1, 0, 1, bins));
            assertEquals(1, ClassicShannonEntropy.bin(0, 0, 1, bins));
        }
    }

    private static void assertFirstEdgeAbove(double scaled, int bins) {
        double step = 1.0 / bins;
        int bin = ClassicShannonEntropy.bin(scaled, 0, 1, bins);
        assertTrue(bin >= 1 && bin <= bins, "bin " + bin);
        assertTrue((bin - 1) * step <= scaled, () -> "edge " + (bin - 1) + " must be ≤ " + scaled);
        assertTrue(bin == bins || !(bin * step <= scaled), () -> "edge " + bin + " must be > " + scaled);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void twoBillionBinsPerDimensionFinish() {
        // A hang guard, not a speed target: counting edge by edge took 100·3·2·10⁹ comparisons here.
        Random random = new Random(3);
        double[][] x = new double[100][3];
        for (double[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] = random.nextGaussian();
            }
        }
        // So many bins put every row in a bin vector of its own: 100 equally likely vectors.
        double p = 1.0 / 100 + Spectrum.PROBABILITY_EPSILON;
        double expected = -100 * p * Math.log(p) / Math.log(2);
        assertEquals(expected, ClassicShannonEntropy.entropy(Matrix.of(x), 2_000_000_000), 1e-12);
    }
}
