package io.dse4j.internal.cpu;

import io.dse4j.spi.KernelShape;
import io.dse4j.spi.Points;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two forms of K that the SLQ estimate multiplies by — held ({@link StoredKernelOperator}, f64 and f32) and
 * recomputed tile by tile ({@link TiledKernelOperator}) — against K built by brute-force loops from its definition
 * (Gaussian, per-point bandwidths, α-decay, α-normalisation): the products with a block, tr K, tr K², and the
 * stationary vector, with work split among threads and tiles cut by the matrix's edge (n = 301 over 128-wide tiles).
 */
class KernelOperatorsTest {

    private static final int N = 301;
    private static final int D = 7;

    /** Column-major points: two clusters of different spread. */
    private static double[] points(long seed) {
        Random random = new Random(seed);
        double[] xt = new double[N * D];
        for (int i = 0; i < N; i++) {
            for (int k = 0; k < D; k++) {
                xt[k * N + i] = (i % 3 == 0 ? 0.5 : 2.0) * random.nextGaussian() + (i % 3 == 0 ? 3 : 0);
            }
        }
        return xt;
    }

    /** K from the definitions, dense. */
    private static double[][] bruteForce(double[] xt, double sigma, KernelShape shape) {
        double[][] g = new double[N][N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                double d2 = 0;
                for (int k = 0; k < D; k++) {
                    double diff = xt[k * N + i] - xt[k * N + j];
                    d2 += diff * diff;
                }
                double[] s = shape.bandwidths();
                if (s == null) {
                    g[i][j] = Math.exp(-d2 / (2 * sigma * sigma));
                } else if (shape.decay() == 0) {
                    g[i][j] = Math.exp(-d2 / (2 * s[i] * s[j]));
                } else {
                    double d = Math.sqrt(d2);
                    g[i][j] = 0.5 * Math.exp(-Math.pow(d / s[i], shape.decay()))
                            + 0.5 * Math.exp(-Math.pow(d / s[j], shape.decay()));
                }
            }
        }
        if (shape.alpha() != 0) {
            double[] deg = rowSums(g);
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < N; j++) {
                    g[i][j] *= Math.pow(deg[i], -shape.alpha()) * Math.pow(deg[j], -shape.alpha());
                }
            }
        }
        double[] deg = rowSums(g);
        double[][] k = new double[N][N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                k[i][j] = g[i][j] / Math.sqrt(deg[i] * deg[j]);
            }
        }
        return k;
    }

    private static double[] rowSums(double[][] g) {
        double[] out = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            for (double v : g[i]) {
                out[i] += v;
            }
        }
        return out;
    }

    private static List<KernelShape> shapes() {
        Random random = new Random(5);
        double[] bandwidths = new double[N];
        for (int i = 0; i < N; i++) {
            bandwidths[i] = 0.5 + 2 * random.nextDouble();
        }
        return List.of(KernelShape.STANDARD, new KernelShape(bandwidths, 0, 0), new KernelShape(bandwidths, 10, 0),
                new KernelShape(null, 0, 1), new KernelShape(bandwidths, 0, 0.5));
    }

    private static void check(KernelOperator op, double[][] k, double tolerance, String what) {
        int cols = 3;
        Random random = new Random(9);
        double[] x = new double[N * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
        }
        double[] y = new double[N * cols];
        op.multiply(x, cols, y);
        double trace = 0;
        double square = 0;
        for (int i = 0; i < N; i++) {
            trace += k[i][i];
            for (int j = 0; j < N; j++) {
                square += k[i][j] * k[i][j];
            }
            for (int c = 0; c < cols; c++) {
                double expected = 0;
                for (int j = 0; j < N; j++) {
                    expected += k[i][j] * x[c * N + j];
                }
                assertEquals(expected, y[c * N + i], tolerance * (1 + Math.abs(expected)), what + ": (K·x)[" + i
                        + ", " + c + "]");
            }
        }
        assertEquals(trace, op.trace(), tolerance * trace, what + ": tr K");
        assertEquals(square, op.traceOfSquare(), tolerance * square, what + ": tr K²");
        double[] v = op.stationary();
        double norm = 0;
        for (int i = 0; i < N; i++) {
            double kv = 0;
            for (int j = 0; j < N; j++) {
                kv += k[i][j] * v[j];
            }
            assertEquals(v[i], kv, tolerance, what + ": (K·v)[" + i + "] = v[" + i + "] for the stationary v");
            norm += v[i] * v[i];
        }
        assertEquals(1, norm, 1e-12, what + ": ‖v‖");
        assertEquals(1, op.passes(), what + ": one product read the kernel once");
    }

    @Test
    void heldAndTiledKernelsMultiplyAsTheDefinitionSays() {
        double[] xt = points(3);
        double sigma = 1.7;
        for (KernelShape shape : shapes()) {
            double[][] k = bruteForce(xt, sigma, shape);
            String label = "bandwidths " + (shape.bandwidths() != null) + ", decay " + shape.decay() + ", α "
                    + shape.alpha();
            for (int threads : new int[] {1, 3}) {
                try (Workers workers = new Workers(threads, 1)) {
                    TiledKernelOperator tiled = new TiledKernelOperator(workers, new Points(N, D, xt), sigma, shape,
                            "slq");
                    assertTrue(tiled.matrixFree());
                    check(tiled, k, 1e-12, "tiled, " + threads + " threads, " + label);
                    StoredKernelOperator<double[]> held = new StoredKernelOperator<>(VectorOps.f64For(N), workers,
                            new Points(N, D, xt), sigma, shape);
                    assertFalse(held.matrixFree());
                    check(held, k, 1e-12, "held f64, " + threads + " threads, " + label);
                    check(new StoredKernelOperator<>(VectorOps.f32For(N), workers, new Points(N, D, xt), sigma, shape),
                            k, 2e-5,
                            "held f32, " + threads + " threads, " + label);
                }
            }
        }
    }

    /**
     * At n = 2050 both forms run on the vector kernels (the SIMD path starts at N = 2000): the tiled product — vector
     * exponentials, packed micro-kernel products, tiles cut by the edge — equals the held one.
     */
    @Test
    void tiledAndHeldKernelsAgreeOnTheVectorPath() {
        int n = 2050;
        int d = 4;
        Random random = new Random(11);
        double[] xt = new double[n * d];
        for (int i = 0; i < xt.length; i++) {
            xt[i] = 2 * random.nextGaussian();
        }
        int cols = 5;
        double[] x = new double[n * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
        }
        for (KernelShape shape : List.of(KernelShape.STANDARD, new KernelShape(null, 0, 1))) {
            try (Workers workers = new Workers(2, 1)) {
                KernelOperator tiled = new TiledKernelOperator(workers, new Points(n, d, xt), 1.3, shape, "slq");
                KernelOperator held = new StoredKernelOperator<>(VectorOps.f64For(n), workers, new Points(n, d, xt),
                        1.3,
                        shape);
                double[] a = new double[n * cols];
                double[] b = new double[n * cols];
                tiled.multiply(x, cols, a);
                held.multiply(x, cols, b);
                for (int i = 0; i < a.length; i++) {
                    assertEquals(b[i], a[i], 1e-12 * (1 + Math.abs(b[i])), "α " + shape.alpha() + ": entry " + i);
                }
                assertEquals(held.trace(), tiled.trace(), 1e-12 * held.trace());
                assertEquals(held.traceOfSquare(), tiled.traceOfSquare(), 1e-12 * held.traceOfSquare());
            }
        }
    }
}
