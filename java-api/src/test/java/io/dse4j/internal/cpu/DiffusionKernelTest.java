package io.dse4j.internal.cpu;

import io.dse4j.Matrix;
import io.dse4j.ReferenceData;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Kernel construction alone, so that a kernel error is told apart from an eigen-solver error: our K equals the
 * official K (sklearn dot-product distances, dense normalisation) of uniform_500x64 at σ = 10 entry by entry, and a
 * brute-force K from direct differences on a small random input.
 */
class DiffusionKernelTest {

    private static double[] kernel(Matrix x, double sigma, int threads) {
        int n = x.rows();
        int dims = x.cols();
        double[] xt = new double[n * dims];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < dims; k++) {
                xt[k * n + i] = x.get(i, k);
            }
        }
        double[] a = new double[n * n];
        try (Workers workers = new Workers(threads, 1)) {
            DiffusionKernel<double[]> kernel = new DiffusionKernel<>(VectorOps.f64(), workers);
            kernel.gram(xt, n, dims, a);
            kernel.normalise(a, new io.dse4j.spi.Points(n, dims, xt), sigma, true);
        }
        return a;
    }

    @Test
    void matchesTheOfficialKernelMatrix() {
        Matrix x = ReferenceData.matrix("uniform_500x64.npy");
        double[] official = ReferenceData.array("K_uniform_500x64_sigma10.npy").values();
        double[] k = kernel(x, 10, 2);
        int n = 500;
        for (int j = 0; j < n; j++) {
            for (int i = j; i < n; i++) {
                assertEquals(official[i * n + j], k[i + j * n], 1e-15, "K(" + i + "," + j + ")");
            }
        }
    }

    @Test
    void matchesBruteForceOnSmallRandomPoints() {
        int n = 300;
        int dims = 7;
        java.util.Random random = new java.util.Random(4);
        double[][] points = new double[n][dims];
        for (double[] p : points) {
            for (int k = 0; k < dims; k++) {
                p[k] = 3 * random.nextGaussian();
            }
        }
        double sigma = 2.5;
        double[][] g = new double[n][n];
        double[] degree = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double d2 = 0;
                for (int k = 0; k < dims; k++) {
                    double diff = points[i][k] - points[j][k];
                    d2 += diff * diff;
                }
                g[i][j] = Math.exp(-d2 / (2 * sigma * sigma)) / (sigma * Math.sqrt(2 * Math.PI));
                degree[i] += g[i][j];
            }
        }
        double[] k = kernel(Matrix.of(points), sigma, 3);
        for (int j = 0; j < n; j++) {
            for (int i = j; i < n; i++) {
                double expected = g[i][j] / Math.sqrt(degree[i] * degree[j]);
                assertEquals(expected, k[i + j * n], 1e-14, "K(" + i + "," + j + ")");
            }
        }
    }

    /**
     * The Gram product against the plain triple loop, on sizes below, at and around its tile (128 rounded to the
     * register block) and its coordinate slice (256): every tile of the lower triangle, the diagonal tiles' blocks
     * straddling the diagonal, padded edges, one slice and several, with both kinds of loops, in f64 and f32
     * (accumulated in double, rounded once). The strict upper triangle is never written.
     */
    @Test
    void gramProductMatchesTheTripleLoopAroundItsTileAndSliceEdges() {
        int[][] shapes = {{1, 1}, {5, 3}, {127, 2}, {128, 256}, {129, 257}, {261, 5}, {300, 600}, {40, 1100}};
        java.util.List<VectorOps<?>> kinds = java.util.List.of(ScalarOps.INSTANCE, PanamaOps.INSTANCE,
                ScalarFloatOps.INSTANCE, PanamaFloatOps.INSTANCE);
        java.util.Random random = new java.util.Random(8);
        for (int[] shape : shapes) {
            int n = shape[0];
            int dims = shape[1];
            double[] xt = new double[n * dims];
            for (int v = 0; v < xt.length; v++) {
                xt[v] = random.nextGaussian();
            }
            for (VectorOps<?> ops : kinds) {
                double[] g = gram(ops, xt, n, dims);
                for (int j = 0; j < n; j++) {
                    for (int i = 0; i < n; i++) {
                        String where = ops.describe() + " " + ops.precision() + " n=" + n + " D=" + dims
                                + " G(" + i + "," + j + ")";
                        if (i < j) {
                            assertEquals(-7.0, g[i + j * n], where + " (upper triangle written)");
                            continue;
                        }
                        double expected = 0;
                        double magnitude = 0;
                        for (int k = 0; k < dims; k++) {
                            expected += xt[k * n + i] * xt[k * n + j];
                            magnitude += Math.abs(xt[k * n + i] * xt[k * n + j]);
                        }
                        double rounding = ops.precision() == io.dse4j.Precision.F32 ? 0x1p-24 : 0x1p-53;
                        double tolerance = rounding * Math.abs(expected) + 1e-15 * magnitude * Math.sqrt(dims);
                        assertEquals(expected, g[i + j * n], tolerance, where);
                    }
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <A> double[] gram(VectorOps<A> ops, double[] xt, int n, int dims) {
        A a = ops.allocate(n * n);
        for (int e = 0; e < n * n; e++) {
            ops.set(a, e, -7.0);
        }
        try (Workers workers = new Workers(3, 1)) {
            new DiffusionKernel<>(ops, workers).gram(xt, n, dims, a);
        }
        double[] out = new double[n * n];
        for (int e = 0; e < n * n; e++) {
            out[e] = ops.get(a, e);
        }
        return out;
    }
}
