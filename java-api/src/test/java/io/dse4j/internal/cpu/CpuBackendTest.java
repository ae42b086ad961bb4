package io.dse4j.internal.cpu;

import io.dse4j.InvalidInputException;
import io.dse4j.Precision;
import io.dse4j.spi.EigenBackend;
import io.dse4j.spi.KernelSpectrum;
import io.dse4j.spi.Points;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CPU backend through the backend interface: eigenvectors on request, stages, limits. */
class CpuBackendTest {

    private static Points randomPoints(int n, int dims, long seed) {
        Random random = new Random(seed);
        double[] values = new double[n * dims];
        for (int i = 0; i < values.length; i++) {
            values[i] = 4 * random.nextGaussian();
        }
        return new Points(n, dims, values);
    }

    @Test
    void topEigenvectorOfTheKernelIsTheSquareRootOfTheDegrees() {
        // K = D^-½ G D^-½ has eigenvalue 1 with eigenvector D^½·1 (normalised): the stationary distribution of P.
        int n = 150;
        int dims = 3;
        double sigma = 3;
        Points points = randomPoints(n, dims, 1);
        try (EigenBackend cpu = CpuBackends.open(2)) {
            KernelSpectrum withVectors = cpu.diffusionSpectrum(points, sigma, Precision.F64, true);
            KernelSpectrum valuesOnly = cpu.diffusionSpectrum(points, sigma, Precision.F64, false);
            assertNull(valuesOnly.eigenvectors());
            assertArrayEquals(valuesOnly.ascending(), withVectors.ascending(), 1e-13);
            assertEquals(1.0, withVectors.ascending()[n - 1], 1e-13);
            assertTrue(withVectors.stages().seconds().containsKey("eigenvectors"));

            double[] degree = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double d2 = 0;
                    for (int k = 0; k < dims; k++) {
                        double diff = points.values()[k * n + i] - points.values()[k * n + j];
                        d2 += diff * diff;
                    }
                    degree[i] += Math.exp(-d2 / (2 * sigma * sigma));
                }
            }
            double norm = 0;
            for (double d : degree) {
                norm += d;
            }
            double[] v = withVectors.eigenvectors();
            double sign = Math.signum(v[(n - 1) * n]);
            for (int i = 0; i < n; i++) {
                assertEquals(Math.sqrt(degree[i] / norm), sign * v[i + (n - 1) * n], 1e-12, "component " + i);
            }
        }
    }

    @Test
    void describesItselfAndRefusesAnNBeyondOneJavaArray() {
        try (EigenBackend cpu = CpuBackends.open(3)) {
            assertEquals("cpu", cpu.name());
            assertTrue(cpu.describe().contains("3 threads"), cpu.describe());
            Points tooMany = new Points(CpuBackend.MAX_N + 1, 0, new double[0]);
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> cpu.diffusionSpectrum(tooMany, 1, Precision.F64, false));
            assertTrue(e.getMessage().contains("at most N = 46340"), e.getMessage());
        }
    }

    @Test
    void closeIsIdempotent() {
        EigenBackend cpu = CpuBackends.open(2);
        cpu.close();
        cpu.close();
    }
}
