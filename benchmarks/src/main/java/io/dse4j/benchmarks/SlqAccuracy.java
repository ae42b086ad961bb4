package io.dse4j.benchmarks;

import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.DseResult;
import io.dse4j.EntropyEstimate;
import io.dse4j.Matrix;
import io.dse4j.io.MatrixFiles;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The SLQ estimate's accuracy, error bar and speed against the exact CPU path (issue 12 §4), measured in one JVM:
 * for each dataset the exact DSE (at t = 1, 2, 5, from one decomposition) is computed before and after the SLQ
 * runs, and SLQ runs once per seed; it prints the largest and RMS error, how many seeds' 95 % bars cover the exact
 * value, and the median SLQ time over the mean exact time.
 *
 * <pre>
 *   java -cp benchmarks/target/benchmarks.jar io.dse4j.benchmarks.SlqAccuracy N D SEEDS DATASET... [--matrix-free]
 * </pre>
 *
 * DATASET: uniform | blobs | swiss-roll | plane (generated, N × D, seed 1) or a .npy file. With SEEDS = 1 and
 * {@code --no-exact} only the estimate runs (for N beyond the exact path).
 */
public final class SlqAccuracy {

    private static final double[] TIMES = {1, 2, 5};

    private SlqAccuracy() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int d = Integer.parseInt(args[1]);
        int seeds = Integer.parseInt(args[2]);
        boolean matrixFree = Arrays.asList(args).contains("--matrix-free");
        boolean exact = !Arrays.asList(args).contains("--no-exact");
        for (int a = 3; a < args.length; a++) {
            if (args[a].startsWith("--")) {
                continue;
            }
            Matrix x = args[a].endsWith(".npy") ? MatrixFiles.open(Path.of(args[a]), null).read()
                    : Matrix.of(dataset(args[a], n, d, 1));
            run(args[a], x, seeds, matrixFree, exact);
        }
    }

    private static void run(String name, Matrix x, int seeds, boolean matrixFree, boolean withExact) {
        double[] exact = new double[TIMES.length];
        double exactSeconds = 0;
        if (withExact) {
            exactSeconds = exact(x, exact);
        }
        double[] worst = new double[TIMES.length];
        double[] squares = new double[TIMES.length];
        int[] covered = new int[TIMES.length];
        double[] seconds = new double[seeds];
        double[] bars = new double[TIMES.length];
        String shape = "";
        for (int seed = 0; seed < seeds; seed++) {
            try (var dse = DiffusionSpectralEntropy.builder().backend("cpu").seed(seed).maxN(x.rows())
                    .method(DiffusionSpectralEntropy.Method.SLQ).slqMatrixFree(matrixFree).build()) {
                DseResult r = dse.compute(x);
                seconds[seed] = r.seconds();
                EntropyEstimate e = r.estimate();
                shape = e.probes() + " probes, " + e.lanczosSteps() + " steps, " + e.deflatedEigenvalues().length
                        + " deflated, " + e.passes() + " passes, " + (e.matrixFree() ? "matrix-free" : "K held")
                        + "; stages of the last: " + r.stages();
                for (int i = 0; i < TIMES.length; i++) {
                    double est = e.entropy(TIMES[i]);
                    bars[i] += e.errorBar(TIMES[i]) / seeds;
                    if (withExact) {
                        double error = Math.abs(est - exact[i]);
                        worst[i] = Math.max(worst[i], error);
                        squares[i] += error * error / seeds;
                        covered[i] += error <= e.errorBar(TIMES[i]) ? 1 : 0;
                    } else if (seed == 0) {
                        System.out.printf(Locale.ROOT, "%s t=%s  estimate %.6f ± %.2e bits%n", name, TIMES[i], est,
                                e.errorBar(TIMES[i]));
                    }
                }
            }
        }
        if (withExact) {
            double[] again = new double[TIMES.length];
            exactSeconds = 0.5 * (exactSeconds + exact(x, again));
        }
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        double median = sorted[seeds / 2];
        System.out.printf(Locale.ROOT, "%s N=%d D=%d: %s%n", name, x.rows(), x.cols(), shape);
        for (int i = 0; i < TIMES.length && withExact; i++) {
            System.out.printf(Locale.ROOT, "  t=%s exact %.6f  max|err| %.2e  rms %.2e  mean bar %.2e  covered %d/%d%n",
                    TIMES[i], exact[i], worst[i], Math.sqrt(squares[i]), bars[i], covered[i], seeds);
        }
        System.out.printf(Locale.ROOT, "  SLQ median %.3f s (min %.3f, max %.3f)%s%n", median, sorted[0],
                sorted[seeds - 1], withExact ? String.format(Locale.ROOT, "; exact %.3f s; exact / SLQ = %.1f",
                        exactSeconds, exactSeconds / median) : "");
    }

    /** Fills the exact DSE at each of TIMES and returns the computation's seconds. */
    private static double exact(Matrix x, double[] out) {
        try (var dse = DiffusionSpectralEntropy.builder().backend("cpu").maxN(x.rows()).build()) {
            DseResult r = dse.compute(x);
            for (int i = 0; i < TIMES.length; i++) {
                out[i] = r.spectrum().entropy(TIMES[i]);
            }
            return r.seconds();
        }
    }

    /** The generated datasets, shaped like the reference's at any N and D. */
    static double[][] dataset(String name, int n, int d, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] x = new double[n][d];
        switch (name) {
            case "uniform" -> {
                for (double[] row : x) {
                    for (int k = 0; k < d; k++) {
                        row[k] = random.nextDouble();
                    }
                }
            }
            case "blobs" -> {
                double[][] centres = new double[5][d];
                for (double[] c : centres) {
                    for (int k = 0; k < d; k++) {
                        c[k] = -10 + 20 * random.nextDouble();
                    }
                }
                for (double[] row : x) {
                    double[] c = centres[random.nextInt(5)];
                    for (int k = 0; k < d; k++) {
                        row[k] = c[k] + random.nextGaussian();
                    }
                }
            }
            case "swiss-roll", "plane" -> {
                boolean roll = name.equals("swiss-roll");
                int m = roll ? 3 : 2;
                double[][] frame = orthonormalFrame(d, m, random);
                for (double[] row : x) {
                    double[] p = new double[m];
                    if (roll) {
                        double t = 1.5 * Math.PI * (1 + 2 * random.nextDouble());
                        p[0] = t * Math.cos(t) + 0.05 * random.nextGaussian();
                        p[1] = 21 * random.nextDouble() + 0.05 * random.nextGaussian();
                        p[2] = t * Math.sin(t) + 0.05 * random.nextGaussian();
                    } else {
                        p[0] = -20 + 40 * random.nextDouble();
                        p[1] = -20 + 40 * random.nextDouble();
                    }
                    for (int k = 0; k < d; k++) {
                        double v = 0;
                        for (int j = 0; j < m; j++) {
                            v += frame[j][k] * p[j];
                        }
                        row[k] = v + (roll ? 0 : 0.01 * random.nextGaussian());
                    }
                }
            }
            default -> throw new IllegalArgumentException("unknown dataset " + name
                    + " (uniform, blobs, swiss-roll, plane, or a .npy file)");
        }
        return x;
    }

    /** m orthonormal vectors of R^d (Gram–Schmidt of Gaussian vectors). */
    private static double[][] orthonormalFrame(int d, int m, SplittableRandom random) {
        double[][] q = new double[m][d];
        for (int j = 0; j < m; j++) {
            for (int k = 0; k < d; k++) {
                q[j][k] = random.nextGaussian();
            }
            for (int i = 0; i < j; i++) {
                double dot = 0;
                for (int k = 0; k < d; k++) {
                    dot += q[i][k] * q[j][k];
                }
                for (int k = 0; k < d; k++) {
                    q[j][k] -= dot * q[i][k];
                }
            }
            double norm = 0;
            for (int k = 0; k < d; k++) {
                norm += q[j][k] * q[j][k];
            }
            norm = Math.sqrt(norm);
            for (int k = 0; k < d; k++) {
                q[j][k] /= norm;
            }
        }
        return q;
    }
}
