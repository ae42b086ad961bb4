package io.dse4j;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The representations DSE exists to flag — collapsed onto one or a few points — and kernels whose α-normalisation
 * leaves double's range give the right number, on whichever backend the suite runs (the CPU, or the GPU over the
 * CUDA stand-in). On the CPU at N around the one-/two-stage switch (3000), where the two-stage reduction used to
 * stop with "tridiagonal matrix has a non-finite entry"; on the stand-in, whose solver is an unblocked O(N³) loop,
 * at N = 400.
 */
class DegenerateRepresentationsTest {

    private static final boolean GPU = TestBackend.required() == BackendKind.GPU;

    private static DiffusionSpectralEntropy.Builder builder(Precision precision) {
        return DiffusionSpectralEntropy.builder().backend(TestBackend.required()).precision(precision);
    }

    /** {@code copies} copies of each of {@code distinct} Gaussian points (scale 2) in D = 16, interleaved. */
    private static double[][] collapsed(int distinct, int copies, long seed) {
        Random random = new Random(seed);
        double[][] points = new double[distinct][16];
        for (double[] p : points) {
            for (int k = 0; k < p.length; k++) {
                p[k] = 2.0 * random.nextGaussian();
            }
        }
        double[][] x = new double[distinct * copies][];
        for (int i = 0; i < x.length; i++) {
            x[i] = points[i % distinct].clone();
        }
        return x;
    }

    /**
     * The DSE of the collapsed set from its distinct points alone: K's non-zero eigenvalues are those of
     * M_ab = c·g_ab / √(d_a·d_b) (c copies, d_a = c·Σ_b g_ab), the other N − distinct are zero.
     */
    private static double exactEntropy(double[][] x, int distinct, double sigma) {
        int copies = x.length / distinct;
        double[][] g = BruteForce.gaussian(Arrays.copyOf(x, distinct), sigma);
        double[] degree = new double[distinct];
        for (int a = 0; a < distinct; a++) {
            for (int b = 0; b < distinct; b++) {
                degree[a] += copies * g[a][b];
            }
        }
        double[][] m = new double[distinct][distinct];
        for (int a = 0; a < distinct; a++) {
            for (int b = 0; b < distinct; b++) {
                m[a][b] = copies * g[a][b] / Math.sqrt(degree[a] * degree[b]);
            }
        }
        double[] eigenvalues = new double[x.length];
        System.arraycopy(BruteForce.eigenvalues(m), 0, eigenvalues, 0, distinct);
        return Spectrum.of(eigenvalues).entropy(1);
    }

    @ParameterizedTest(name = "{0} distinct × {1}, {2}")
    @CsvSource({"1, 2999, F64", "8, 375, F64", "1, 3000, F32", "2, 200, F64", "3, 133, F64", "8, 50, F32"})
    void collapsedRepresentationsHaveTheEntropyOfTheirDistinctPoints(int distinct, int copies, Precision precision) {
        if (GPU && distinct * copies > 400) {
            copies = 400 / distinct;   // the stand-in's solver is a plain O(N³) loop
        }
        double[][] x = collapsed(distinct, copies, distinct * 31L + copies);
        DseResult result;
        try (DiffusionSpectralEntropy dse = builder(precision).build()) {
            result = dse.compute(x);
        }
        TestBackend.assertInUse(result.selection());
        double expected = exactEntropy(x, distinct, 10.0);
        // f64: the N − distinct zero eigenvalues come out as rounding errors of ~1e-16, whose terms −p·log₂p add
        // ~1e-10 bits at N = 3000; f32 rounds K to 6e-8 and they add up to ~1e-4 bits.
        double tolerance = precision == Precision.F32 ? 2e-3 : 1e-8;
        assertEquals(expected, result.entropy(), tolerance, distinct + " distinct points, N = " + x.length);
    }

    @Test
    void allZeroRowsHaveZeroEntropy() {
        int n = GPU ? 300 : 2000;
        double[][] x = new double[n][24];
        for (Precision precision : Precision.values()) {
            try (DiffusionSpectralEntropy dse = builder(precision).build()) {
                DseResult result = dse.compute(x);
                TestBackend.assertInUse(result.selection());
                assertTrue(result.entropy() >= 0 && result.entropy() < (precision == Precision.F32 ? 2e-3 : 1e-8),
                        precision + ": " + result.entropy());
            }
        }
    }

    /**
     * α-normalisation at α far beyond where d^−α stays in range (any N: every degree is ≥ 1): the DSE equals the
     * brute force K = U·G·U with uᵢ² = fᵢ/(G·f)ᵢ evaluated by a plain log-sum-exp and Jacobi, and it agrees with the
     * direct formula where that one is in range. On the GPU the large-α kernels run on the CPU and say why.
     */
    @ParameterizedTest(name = "α = {0}, {1}")
    @CsvSource({"0.5, F64", "20, F64", "200, F64", "1000, F64", "1e6, F64", "200, F32", "20, F32"})
    void largeAlphaGivesTheValueOfTheFormulaInLogarithms(double alpha, Precision precision) {
        Random random = new Random(5);
        int n = 60;
        double[][] x = new double[n][3];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 3; k++) {
                x[i][k] = random.nextGaussian() + (i % 3) * 1.5;
            }
        }
        double sigma = 1.0;
        DseResult result;
        try (DiffusionSpectralEntropy dse = builder(precision).sigma(sigma).alpha(alpha).build()) {
            result = dse.compute(x);
        }
        boolean gpuCanFormIt = 2 * alpha * Math.log(n) / Math.log(2) <= (precision == Precision.F32 ? 100 : 900);
        if (!GPU || gpuCanFormIt) {
            TestBackend.assertInUse(result.selection());
        } else {
            assertTrue(result.selection().describe().contains("α-normalisation"), result.selection().describe());
        }
        assertTrue(Double.isFinite(result.entropy()));
        double expected = bruteForceAlphaEntropy(x, sigma, alpha);
        assertEquals(expected, result.entropy(), precision == Precision.F32 ? 1e-4 : 1e-9, "α = " + alpha);
    }

    /**
     * Two clusters 100σ apart: their cross entries of G underflow to 0, so a row's log-sum-exp may start with a
     * term of −∞ (which once gave exp(NaN) and a NaN kernel); f32 switches to logarithms from α = 20 already.
     */
    @ParameterizedTest(name = "α = {0}, {1}")
    @CsvSource({"20, F64", "200, F64", "20, F32", "200, F32"})
    void largeAlphaWithEntriesThatUnderflowStaysFinite(double alpha, Precision precision) {
        Random random = new Random(12);
        double[][] x = new double[40][2];
        for (int i = 0; i < 40; i++) {
            x[i][0] = random.nextGaussian() + (i < 20 ? 0 : 100);
            x[i][1] = random.nextGaussian();
        }
        try (DiffusionSpectralEntropy dse = builder(precision).sigma(1).alpha(alpha).build()) {
            DseResult result = dse.compute(x);
            assertEquals(bruteForceAlphaEntropy(x, 1, alpha), result.entropy(), precision == Precision.F32 ? 1e-4
                    : 1e-9);
        }
    }

    /**
     * SLQ with K recomputed tile by tile (matrix-free) and with K held build the same kernel for a large α: an
     * isolated point whose entries underflow (d²/2σ² = 800) counts as 0 in the row log-sums of both, as in the
     * products (the tiled form once used ln G = −d²/2σ² there, and its Lanczos iteration then failed).
     */
    @Test
    void slqMatrixFreeAndHeldAgreeForALargeAlphaWithAnIsolatedPoint() {
        Random random = new Random(2);
        double[][] x = new double[51][2];
        for (int i = 0; i < 50; i++) {
            x[i][0] = 0.1 * random.nextGaussian();
            x[i][1] = 0.1 * random.nextGaussian();
        }
        x[50][0] = 40;    // d² / 2σ² = 800 at σ = 1
        double exact = bruteForceAlphaEntropy(x, 1, 400);
        for (boolean matrixFree : new boolean[] {false, true}) {
            try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().backend("cpu").sigma(1).alpha(400)
                    .method(DiffusionSpectralEntropy.Method.SLQ).slqMatrixFree(matrixFree).build()) {
                DseResult result = dse.compute(x);
                assertEquals(exact, result.entropy(), Math.max(result.errorBar(), 1e-6), "matrix-free " + matrixFree);
            }
        }
    }

    /**
     * The adjacency spectral entropy of G_α = F·G·F (no symmetric normalisation) at an α where d^−α underflows: the
     * entropy of |λ| does not see a common factor of G_α, so f is rescaled to at most 1 (it used to underflow to a
     * zero matrix and give log₂ N).
     */
    @Test
    void adjacencyEntropyOfTheAlphaNormalisedGaussianAtALargeAlpha() {
        Random random = new Random(9);
        int n = 60;
        double[][] x = new double[n][3];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 3; k++) {
                x[i][k] = random.nextGaussian();
            }
        }
        double alpha = 200;
        double[][] g = BruteForce.gaussian(x, 1);
        double[] logDegree = logDegrees(g);
        double smallest = Arrays.stream(logDegree).min().orElseThrow();
        double[][] ga = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                ga[i][j] = Math.exp(-alpha * (logDegree[i] - smallest)) * g[i][j]
                        * Math.exp(-alpha * (logDegree[j] - smallest));
            }
        }
        double expected = Spectrum.of(BruteForce.eigenvalues(ga)).entropy(1);
        try (AdjacencySpectralEntropy ase = AdjacencySpectralEntropy.builder(AdjacencySpectralEntropy.Variant.GAUSSIAN)
                .backend("cpu").sigma(1).alpha(alpha).build()) {
            assertEquals(expected, ase.compute(Matrix.of(x)).entropy(), 1e-9);
        }
    }

    /** ln dᵢ = ln Σⱼ Gᵢⱼ. */
    private static double[] logDegrees(double[][] g) {
        double[] out = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            out[i] = Math.log(Arrays.stream(g[i]).sum());
        }
        return out;
    }

    private static double bruteForceAlphaEntropy(double[][] x, double sigma, double alpha) {
        int n = x.length;
        double[][] g = BruteForce.gaussian(x, sigma);
        double[] logDegree = logDegrees(g);
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            // ln (G·f)ᵢ with fⱼ = dⱼ^−α: the largest term first, then the others relative to it.
            double top = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                top = Math.max(top, Math.log(g[i][j]) - alpha * logDegree[j]);
            }
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += Math.exp(Math.log(g[i][j]) - alpha * logDegree[j] - top);
            }
            u[i] = Math.exp(0.5 * (-alpha * logDegree[i] - top - Math.log(s)));
        }
        double[][] k = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                k[i][j] = u[i] * g[i][j] * u[j];
            }
        }
        return Spectrum.of(BruteForce.eigenvalues(k)).entropy(1);
    }
}
