package io.dse4j.internal.cpu;

import io.dse4j.BackgroundComputation;
import io.dse4j.ComputationInterruptedException;
import io.dse4j.Precision;
import io.dse4j.spi.EigenBackend;
import io.dse4j.spi.KernelKind;
import io.dse4j.spi.KernelSpectrum;
import io.dse4j.spi.Points;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CPU backend closed, closed under a running computation, and interrupted on its eigenvector path. */
class CpuBackendLifecycleTest {

    private static Points randomPoints(int n, int dims, long seed) {
        Random random = new Random(seed);
        double[] values = new double[n * dims];
        for (int i = 0; i < values.length; i++) {
            values[i] = 2 * random.nextGaussian();
        }
        return new Points(n, dims, values);
    }

    private static void assertClosed(Executable call) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call);
        assertEquals("this CPU backend is closed", e.getMessage());
    }

    @Test
    void everyComputingMethodRefusesAfterCloseAndCloseIsIdempotent() {
        Points points = randomPoints(30, 2, 1);
        EigenBackend cpu = CpuBackends.open(2);
        cpu.close();
        assertClosed(() -> cpu.kernelSpectrum(points, KernelKind.DIFFUSION, 2, Precision.F64, false));
        assertClosed(() -> cpu.diffusionSpectrum(points, 2, Precision.F32, true));
        assertClosed(() -> cpu.kernelSpectra(points, List.of(new int[] {0, 1, 2}, new int[] {3, 4}),
                KernelKind.GAUSSIAN, 2, Precision.F64));
        assertClosed(() -> cpu.knnAdjacencyEigenvalueModuli(points, 3));
        assertClosed(() -> cpu.matrixEntryEntropy(points, 2, Precision.F64));
        assertDoesNotThrow(cpu::close);
        assertEquals("cpu", cpu.name());
    }

    @Test
    void closeDuringAComputationLetsItFinishCorrectly() throws InterruptedException {
        Points points = randomPoints(1500, 4, 2);
        double[] expected;
        try (EigenBackend reference = CpuBackends.open(2)) {
            expected = reference.diffusionSpectrum(points, 2, Precision.F64, false).ascending();
        }
        EigenBackend cpu = CpuBackends.open(2);
        BackgroundComputation running = BackgroundComputation.start(
                () -> cpu.diffusionSpectrum(points, 2, Precision.F64, false), "computation closed under");
        running.awaitInside(20_000, TridiagonalReduction.class.getName());
        cpu.close();
        assertClosed(() -> cpu.matrixEntryEntropy(points, 2, Precision.F64));
        running.await(20_000);
        assertNull(running.thrown(), () -> "the running computation failed: " + running.thrown());
        KernelSpectrum result = assertInstanceOf(KernelSpectrum.class, running.result());
        assertArrayEquals(expected, result.ascending(), 0.0);
    }

    @Test
    void theEigenvectorPathStopsWhenInterrupted() throws InterruptedException {
        Points points = randomPoints(1600, 3, 3);
        try (EigenBackend cpu = CpuBackends.open(2)) {
            BackgroundComputation running = BackgroundComputation.start(
                    () -> cpu.diffusionSpectrum(points, 2, Precision.F64, true), "eigenvector computation");
            // The interrupt lands in the stages only the eigenvector path has: forming Q and the QL sweeps on it.
            running.awaitInside(20_000, SymmetricEigenvectors.class.getName(), "formQ", "tql2");
            running.thread().interrupt();
            running.await(20_000);
            assertNull(running.result(), "the computation ran to its end despite the interrupt");
            assertInstanceOf(ComputationInterruptedException.class, running.thrown());
            assertTrue(running.interruptStatus());
            Points small = randomPoints(40, 2, 4);
            try (EigenBackend fresh = CpuBackends.open(2)) {
                assertArrayEquals(fresh.diffusionSpectrum(small, 2, Precision.F64, true).eigenvectors(),
                        cpu.diffusionSpectrum(small, 2, Precision.F64, true).eigenvectors(), 0.0);
            }
        }
    }
}
