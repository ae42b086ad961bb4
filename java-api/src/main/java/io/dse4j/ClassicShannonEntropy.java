package io.dse4j;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Classic Shannon entropy by binning (CSE), the reference's baseline measure: every column is min–max scaled to
 * [0, 1] and cut into {@code bins} equal-width bins (numpy {@code digitize} on {@code linspace(0, 1, bins+1)[:-1]},
 * so bins run 1..bins and the maximum lands in the last one), each row becomes its vector of bin numbers, and the
 * entropy (bits) is that of the distribution of distinct vectors, with ε = 2.22e-16 added to every probability as
 * the reference does. A constant column would scale to 0/0; the reference then puts every row in the last bin, so
 * the column has no effect, and so it is here.
 */
public final class ClassicShannonEntropy {

    private ClassicShannonEntropy() {
    }

    /** CSE of all rows of {@code x} with {@code bins} bins per dimension (≥ 1; the reference's default is 2). */
    public static double entropy(Matrix x, int bins) {
        int[] rows = new int[x.rows()];
        Arrays.setAll(rows, i -> i);
        return entropy(x, rows, bins);
    }

    /** CSE of the given rows of {@code x}; the min–max scaling uses those rows only, as the reference does. */
    public static double entropy(Matrix x, int[] rows, int bins) {
        if (bins < 1) {
            throw new InvalidInputException("bins", "must be at least 1, got " + bins);
        }
        if (rows.length < 1) {
            throw new InvalidInputException("matrix", "needs at least 1 row");
        }
        int dims = x.cols();
        double[] min = new double[dims];
        double[] max = new double[dims];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int row : rows) {
            for (int j = 0; j < dims; j++) {
                double v = x.at(row, j);
                if (!Double.isFinite(v)) {
                    throw new InvalidInputException("matrix", "value at row " + row + ", column " + j + " is " + v
                            + "; every value must be finite");
                }
                min[j] = Math.min(min[j], v);
                max[j] = Math.max(max[j], v);
            }
        }
        Map<String, Integer> counts = new HashMap<>();
        int[] vector = new int[dims];
        for (int row : rows) {
            for (int j = 0; j < dims; j++) {
                vector[j] = bin(x.at(row, j), min[j], max[j], bins);
            }
            counts.merge(Arrays.toString(vector), 1, Integer::sum);
        }
        double entropy = 0;
        for (int count : counts.values()) {
            double p = (double) count / rows.length + Spectrum.PROBABILITY_EPSILON;
            entropy -= p * Math.log(p);
        }
        return entropy / Math.log(2);
    }

    /**
     * The bin (1..bins) of {@code v} after min–max scaling: the number of left edges that are ≤ the scaled value.
     * The edges are numpy's {@code linspace(0, 1, bins+1)[:-1]}, computed as numpy does — k·(1/bins), which is not
     * always k/bins (3·0.1 ≠ 0.3) — so values on an edge land where they land in the reference. A constant column
     * gives NaN in the reference, which digitize puts past the last edge: bin {@code bins}.
     */
    static int bin(double v, double min, double max, int bins) {
        if (!(max > min)) {
            return bins;
        }
        double scaled = (v - min) / (max - min);
        double step = 1.0 / bins;
        // The bin is the number of edges k·step (k in [0, bins)) that are ≤ scaled. Rounding k·step is monotone in
        // k, so those edges are k = 0..bin-1 and bin is the first k whose edge is above scaled. scaled·bins is within
        // one of it (k·step and k/bins differ by an ulp or two); the two loops settle it on the exact edges, in a
        // step or two instead of one comparison per bin. NaN (an overflowing max − min) stays at 0, as before.
        double estimate = Math.floor(scaled * bins) + 1;
        long bin = estimate >= bins ? bins : estimate > 0 ? (long) estimate : 0;
        while (bin > 0 && !(edge(bin - 1, step) <= scaled)) {
            bin--;
        }
        while (bin < bins && edge(bin, step) <= scaled) {
            bin++;
        }
        return (int) bin;
    }

    /** The k-th left edge, as numpy's linspace computes it. */
    private static double edge(long k, double step) {
        return k * step;
    }
}
