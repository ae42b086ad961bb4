package io.dse4j.internal.cpu;

import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.DseResult;
import io.dse4j.InvalidInputException;
import io.dse4j.Precision;
import io.dse4j.Spectrum;
import io.dse4j.TestBackend;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernels beyond the reference's — adaptive bandwidths (Zelnik-Manor &amp; Perona), PHATE's α-decay, the
 * diffusion-maps α-normalisation (Coifman &amp; Lafon), alone and combined — against K built by brute-force loops
 * from their definitions and decomposed by Jacobi, in f64 and f32, on the backend under test (the GPU stand-in runs
 * the device kernels' own source).
 */
class KernelShapesTest {

    private static double[][] points(int n, int d, long seed) {
        Random random = new Random(seed);
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                // Two clusters of different density, where the shapes differ from the plain Gaussian.
                x[i][k] = (i % 3 == 0 ? 0.3 : 2.0) * random.nextGaussian() + (i % 3 == 0 ? 4 : 0);
            }
        }
        return x;
    }

    /** K of the definitions: kernel by (d², σᵢ, σⱼ), then α-normalisation, then D^-½·G·D^-½. */
    private static double bruteForceDse(double[][] x, double sigma, int k, double decay, double alpha) {
        int n = x.length;
        double[][] d2 = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int c = 0; c < x[i].length; c++) {
                    s += (x[i][c] - x[j][c]) * (x[i][c] - x[j][c]);
                }
                d2[i][j] = s;
            }
        }
        double[] sigmas = new double[n];
        for (int i = 0; i < n; i++) {
            if (k == 0) {
                sigmas[i] = sigma;
                continue;
            }
            double[] others = new double[n - 1];
            for (int j = 0, at = 0; j < n; j++) {
                if (j != i) {
                    others[at++] = Math.sqrt(d2[i][j]);
                }
            }
            Arrays.sort(others);
            sigmas[i] = others[k - 1];
        }
        double[][] g = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                g[i][j] = decay == 0 ? Math.exp(-d2[i][j] / (2 * sigmas[i] * sigmas[j]))
                        : 0.5 * Math.exp(-Math.pow(Math.sqrt(d2[i][j]) / sigmas[i], decay))
                                + 0.5 * Math.exp(-Math.pow(Math.sqrt(d2[i][j]) / sigmas[j], decay));
            }
        }
        double[] degree = rowSums(g);
        if (alpha != 0) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    g[i][j] /= Math.pow(degree[i], alpha) * Math.pow(degree[j], alpha);
                }
            }
            degree = rowSums(g);
        }
        double[] full = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                full[i * n + j] = g[i][j] / Math.sqrt(degree[i] * degree[j]);
            }
        }
        return Spectrum.of(Jacobi.eigenvalues(full, n)).entropy(1);
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

    private static DseResult dse(double[][] x, Precision precision,
                                 UnaryOperator<DiffusionSpectralEntropy.Builder> shape) {
        try (DiffusionSpectralEntropy dse = shape.apply(DiffusionSpectralEntropy.builder().sigma(1.5)
                .precision(precision).backend(TestBackend.required())).build()) {
            return dse.compute(x);
        }
    }

    @Test
    void everyShapeMatchesItsDefinitionInBothPrecisions() {
        double[][] x = points(70, 3, 1);
        record Case(String name, UnaryOperator<DiffusionSpectralEntropy.Builder> shape, int k, double decay,
                    double alpha) {
        }
        Case[] cases = {
            new Case("adaptive k = 5", b -> b.adaptiveKernel(5), 5, 0, 0),
            new Case("α-decay k = 5, a = 2", b -> b.alphaDecayKernel(5, 2), 5, 2, 0),
            new Case("α-decay k = 3, a = 40", b -> b.alphaDecayKernel(3, 40), 3, 40, 0),
            new Case("α = 1, fixed σ", b -> b.alpha(1), 0, 0, 1),
            new Case("α = 0.5, adaptive k = 7", b -> b.alpha(0.5).adaptiveKernel(7), 7, 0, 0.5),
        };
        for (Case c : cases) {
            double expected = bruteForceDse(x, 1.5, c.k(), c.decay(), c.alpha());
            DseResult f64 = dse(x, Precision.F64, c.shape());
            assertEquals(expected, f64.entropy(), 1e-9, c.name());
            assertEquals(expected, dse(x, Precision.F32, c.shape()).entropy(), 1e-4, c.name() + " in f32");
            // On the GPU stand-in the device kernels (dse4j_k_shaped, dse4j_k_scale) compute every shape.
            TestBackend.assertInUse(f64.selection());
            assertTrue(Math.abs(expected - bruteForceDse(x, 1.5, 0, 0, 0)) > 1e-3,
                    c.name() + " must differ from the plain kernel for the test to mean anything");
        }
    }

    @Test
    void theDefaultsAreTheReferencesKernelBitForBit() {
        double[][] x = points(120, 4, 2);
        double plain = dse(x, Precision.F64, b -> b).entropy();
        assertEquals(plain, dse(x, Precision.F64, b -> b.alpha(0).gaussianKernel()).entropy(), 0.0);
        assertEquals(plain, dse(x, Precision.F64, b -> b.adaptiveKernel(5).gaussianKernel()).entropy(), 0.0);
        assertEquals(bruteForceDse(x, 1.5, 0, 0, 0), plain, 1e-9);
    }

    @Test
    void badShapesAreRefusedByName() {
        double[][] x = points(20, 2, 3);
        assertThrows(InvalidInputException.class, () -> DiffusionSpectralEntropy.builder().alpha(-1));
        assertThrows(InvalidInputException.class, () -> DiffusionSpectralEntropy.builder().adaptiveKernel(0));
        assertThrows(InvalidInputException.class, () -> DiffusionSpectralEntropy.builder().alphaDecayKernel(3, 0));
        InvalidInputException tooMany = assertThrows(InvalidInputException.class,
                () -> dse(x, Precision.F64, b -> b.adaptiveKernel(20)));
        assertTrue(tooMany.getMessage().contains("needs fewer neighbours than the 20 points"), tooMany.getMessage());
        double[][] twins = new double[10][2];
        for (int i = 0; i < 10; i++) {
            twins[i] = new double[] {i / 2, 0};    // pairs of coincident points
        }
        InvalidInputException zero = assertThrows(InvalidInputException.class,
                () -> dse(twins, Precision.F64, b -> b.adaptiveKernel(1)));
        assertTrue(zero.getMessage().contains("its bandwidth σᵢ would be 0"), zero.getMessage());
    }
}
