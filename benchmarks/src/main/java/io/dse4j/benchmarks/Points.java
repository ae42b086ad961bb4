package io.dse4j.benchmarks;

import java.util.SplittableRandom;

/** Benchmark inputs: reproducible points, uniform in [0, 1]^d, so every backend and library sees the same data. */
public final class Points {

    private Points() {
    }

    /** n×d row-major, uniform in [0, 1), from a fixed seed. */
    public static double[] uniform(int n, int d, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] x = new double[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextDouble();
        }
        return x;
    }
}
