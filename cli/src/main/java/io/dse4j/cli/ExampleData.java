package io.dse4j.cli;

import io.dse4j.InvalidInputException;
import io.dse4j.Matrix;

import java.util.List;
import java.util.Random;

/** Built-in datasets for trying the tool without a file, generated from a seed. */
final class ExampleData {

    static final List<String> NAMES = List.of("swiss-roll", "blobs", "uniform");

    private ExampleData() {
    }

    /**
     * @param name swiss-roll (3-D), blobs (5 Gaussian clusters) or uniform ([0, 1]^d)
     * @param n    points, or 0 for the default (1000)
     * @param d    dimensions, or 0 for the default (3 for swiss-roll, 10 otherwise)
     */
    static Matrix generate(String name, int n, int d, long seed) {
        int points = n == 0 ? 1000 : n;
        if (points < 2) {
            throw new InvalidInputException("--n", "must be at least 2, got " + n);
        }
        Random random = new Random(seed);
        return switch (name) {
            case "swiss-roll" -> {
                if (d != 0 && d != 3) {
                    throw new InvalidInputException("--d", "the swiss roll is 3-dimensional; got --d " + d);
                }
                yield swissRoll(points, random);
            }
            case "blobs" -> blobs(points, dims(d), random);
            case "uniform" -> uniform(points, dims(d), random);
            default -> throw new InvalidInputException("--example",
                    "unknown example '" + name + "'; choose one of " + String.join(", ", NAMES));
        };
    }

    private static int dims(int d) {
        if (d < 0) {
            throw new InvalidInputException("--d", "must be at least 1, got " + d);
        }
        return d == 0 ? 10 : d;
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
