package io.dse4j.cli;

import io.dse4j.InvalidInputException;
import io.dse4j.Matrix;

import java.util.List;
import java.util.Locale;
import java.util.Random;

/** Built-in datasets for trying the tool without a file, generated from a seed. */
final class ExampleData {

    static final List<String> NAMES = List.of("swiss-roll", "blobs", "uniform");

    /** The names, for picocli's help text and shell completion. */
    static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return NAMES.iterator();
        }
    }

    /** Points when --n is absent. */
    static final int DEFAULT_N = 1000;

    /** The most elements one Java array holds on HotSpot (a few below Integer.MAX_VALUE for the header). */
    private static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    private static final double GIB = 1024.0 * 1024 * 1024;

    private ExampleData() {
    }

    /** Dimensions when --d is absent: 3 for the swiss roll, 10 otherwise. */
    static int defaultDims(String name) {
        return "swiss-roll".equals(name) ? 3 : 10;
    }

    /**
     * @param name swiss-roll (3-D), blobs (5 Gaussian clusters) or uniform ([0, 1]^d)
     * @param n    points, ≥ 2
     * @param d    dimensions, ≥ 1 (3 for the swiss roll)
     */
    static Matrix generate(String name, int n, int d, long seed) {
        if (n < 2) {
            throw new InvalidInputException("--n", "must be at least 2, got " + n);
        }
        if (d < 1) {
            throw new InvalidInputException("--d", "must be at least 1, got " + d);
        }
        if (!NAMES.contains(name)) {
            throw new InvalidInputException("--example",
                    "unknown example '" + name + "'; choose one of " + String.join(", ", NAMES));
        }
        if (name.equals("swiss-roll") && d != 3) {
            throw new InvalidInputException("--d", "the swiss roll is 3-dimensional; got --d " + d);
        }
        checkFits(n, d);
        Random random = new Random(seed);
        return switch (name) {
            case "swiss-roll" -> swissRoll(n, random);
            case "blobs" -> blobs(n, d, random);
            default -> uniform(n, d, random);
        };
    }

    /** Refuses, before allocating, an n·d that one array or the heap cannot hold (else an overflow or an OOM). */
    private static void checkFits(int n, int d) {
        long values = (long) n * d;
        if (values > MAX_ARRAY_LENGTH) {
            throw new UsageException("--n " + n + " × --d " + d + " = " + values + " values, more than one Java "
                    + "array holds (" + MAX_ARRAY_LENGTH + "); lower --n or --d");
        }
        long bytes = values * Double.BYTES;
        long heap = Runtime.getRuntime().maxMemory();
        if (bytes > heap) {
            throw new UsageException(String.format(Locale.ROOT, "--n %d × --d %d = %d values need %.1f GiB, more "
                    + "than the %.1f GiB heap; lower --n or --d, or raise -Xmx through DSE4J_JAVA_OPTS", n, d,
                    values, bytes / GIB, heap / GIB));
        }
    }

    /** The swiss roll: angle θ = 1.5π(1 + 2u), height 21v, point (θ·cos θ, 21v, θ·sin θ). */
    private static Matrix swissRoll(int n, Random random) {
        double[] x = new double[n * 3];
        for (int i = 0; i < n; i++) {
            double theta = 1.5 * Math.PI * (1 + 2 * random.nextDouble());
            x[3 * i] = theta * Math.cos(theta);
            x[3 * i + 1] = 21 * random.nextDouble();
            x[3 * i + 2] = theta * Math.sin(theta);
        }
        return Matrix.ofRowMajor(x, n, 3);
    }

    /** Five isotropic unit-variance Gaussian clusters with centres uniform in [−10, 10]^d. */
    private static Matrix blobs(int n, int d, Random random) {
        int clusters = 5;
        double[][] centres = new double[clusters][d];
        for (double[] c : centres) {
            for (int j = 0; j < d; j++) {
                c[j] = -10 + 20 * random.nextDouble();
            }
        }
        double[] x = new double[Math.multiplyExact(n, d)];
        for (int i = 0; i < n; i++) {
            double[] c = centres[i % clusters];
            for (int j = 0; j < d; j++) {
                x[i * d + j] = c[j] + random.nextGaussian();
            }
        }
        return Matrix.ofRowMajor(x, n, d);
    }

    private static Matrix uniform(int n, int d, Random random) {
        double[] x = new double[Math.multiplyExact(n, d)];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextDouble();
        }
        return Matrix.ofRowMajor(x, n, d);
    }
}
