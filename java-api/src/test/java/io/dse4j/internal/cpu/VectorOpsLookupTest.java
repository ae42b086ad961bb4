package io.dse4j.internal.cpu;

import io.dse4j.Precision;
import io.dse4j.spi.EigenBackend;
import io.dse4j.spi.Points;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loops a problem runs on depend on its size alone (the test JVM has the Vector API and runs under the default
 * {@code auto}): scalar below {@link VectorOpsLookup#SIMD_FROM_N} points, where they compile sooner and run as fast,
 * the Vector API from there on.
 */
class VectorOpsLookupTest {

    @Test
    void smallProblemsRunOnTheScalarLoopsLargeOnesOnTheVectorApi() {
        int from = VectorOpsLookup.SIMD_FROM_N;
        assertTrue(VectorOpsLookup.SIMD, "the test JVM runs with --add-modules jdk.incubator.vector");
        assertSame(ScalarOps.INSTANCE, VectorOps.f64For(1));
        assertSame(ScalarOps.INSTANCE, VectorOps.f64For(from - 1));
        assertSame(ScalarFloatOps.INSTANCE, VectorOps.f32For(from - 1));
        assertSame(PanamaOps.INSTANCE, VectorOps.f64For(from));
        assertSame(PanamaFloatOps.INSTANCE, VectorOps.f32For(from));
        assertSame(PanamaOps.INSTANCE, VectorOps.f64For(CpuBackend.MAX_N));
    }

    @Test
    void theBackendSaysWhereTheVectorApiStarts() {
        try (EigenBackend cpu = CpuBackends.open(1)) {
            assertTrue(cpu.describe().endsWith(PanamaOps.INSTANCE.describe() + " from N = "
                    + VectorOpsLookup.SIMD_FROM_N + ", scalar Java loops below"), cpu.describe());
        }
    }

    /**
     * A small problem through the backend gives the bits of the scalar loops called directly, not the Vector API's
     * (whose lane sums round differently): the backend really took the scalar path.
     */
    @Test
    void aSmallProblemThroughTheBackendIsTheScalarLoopsResult() {
        int n = 300;
        int dims = 7;
        Random random = new Random(5);
        double[] values = new double[n * dims];
        for (int i = 0; i < values.length; i++) {
            values[i] = 3 * random.nextGaussian();
        }
        Points points = new Points(n, dims, values);
        double[] viaBackend;
        try (EigenBackend cpu = CpuBackends.open(1)) {
            viaBackend = cpu.diffusionSpectrum(points, 2.0, Precision.F64, false).ascending();
        }
        double[] scalar = direct(ScalarOps.INSTANCE, points);
        double[] simd = direct(PanamaOps.INSTANCE, points);
        assertEquals(java.util.Arrays.toString(scalar), java.util.Arrays.toString(viaBackend));
        assertTrue(!java.util.Arrays.equals(scalar, simd),
                "the two kinds of loops must differ in some bit here, or this test could not tell them apart");
    }

    private static double[] direct(VectorOps<double[]> ops, Points points) {
        int n = points.n();
        try (Workers workers = new Workers(1)) {
            double[] a = new double[n * n];
            DiffusionKernel<double[]> kernel = new DiffusionKernel<>(ops, workers);
            kernel.gram(points.values(), n, points.dims(), a);
            kernel.normalise(a, points, 2.0, true);
            return new SymmetricEigenvalues<>(ops, workers).eigenvalues(a, n, new io.dse4j.spi.StageClock());
        }
    }
}
