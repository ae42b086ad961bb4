package io.dse4j.internal.cpu;

import io.dse4j.ComputationInterruptedException;
import io.dse4j.spi.Cancellation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cancellation mechanism of the CPU backend: every long stage checks the interrupt status at its block
 * boundaries (here with the status set beforehand, so the first check fires), the status is left set, and parts
 * running on worker threads see the caller's interrupt.
 */
class CancellationTest {

    @AfterEach
    void clearInterruptStatus() {
        Thread.interrupted();
    }

    /** Runs {@code stage} on the current thread with its interrupt status set. */
    private static void assertStopsWhenInterrupted(Executable stage) {
        Thread.currentThread().interrupt();
        assertThrows(ComputationInterruptedException.class, stage);
        assertTrue(Thread.interrupted(), "the interrupt status must stay set");
    }

    private static double[] symmetric(int n, long seed) {
        Random random = new Random(seed);
        double[] a = new double[n * n];
        for (int j = 0; j < n; j++) {
            for (int i = j; i < n; i++) {
                a[i + j * n] = random.nextGaussian();
            }
        }
        return a;
    }

    @Test
    void everyStageChecks() {
        int n = 64;
        double[] xt = new double[n * 3];
        java.util.Arrays.setAll(xt, i -> Math.sin(i));
        try (Workers workers = new Workers(2, 1)) {
            DiffusionKernel<double[]> kernel = new DiffusionKernel<>(VectorOps.f64(), workers);
            assertStopsWhenInterrupted(() -> kernel.gram(xt, n, 3, new double[n * n]));
            assertStopsWhenInterrupted(() -> kernel.normalise(symmetric(n, 1), new io.dse4j.spi.Points(n, 3, xt), 1,
                    true));
            assertStopsWhenInterrupted(() -> new TridiagonalReduction<>(VectorOps.f64(), workers)
                    .reduce(symmetric(n, 2), n, new double[n], new double[n], new double[n]));
            assertStopsWhenInterrupted(() -> new SymmetricEigenvectors<>(VectorOps.f64(), workers)
                    .decompose(symmetric(n, 3), n));
            assertStopsWhenInterrupted(() -> workers.run(2, part -> {}));
        }
        double[] d = new Random(4).doubles(n).toArray();
        double[] e = new Random(5).doubles(n - 1).toArray();
        assertStopsWhenInterrupted(() -> TridiagonalEigenvalues.solve(d, e, n));
        Random random = new Random(6);
        double[][] general = new double[n][];
        java.util.Arrays.setAll(general, i -> random.doubles(n).toArray());
        assertStopsWhenInterrupted(() -> GeneralEigenvalues.moduli(general));
    }

    @Test
    void aPartOnAWorkerSeesTheCallersInterruptAndThePoolStaysUsable() throws InterruptedException {
        try (Workers workers = new Workers(2, 1)) {
            CountDownLatch workerStarted = new CountDownLatch(1);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicReference<Throwable> workerThrew = new AtomicReference<>();
            Thread caller = new Thread(() -> {
                try {
                    workers.run(2, part -> {
                        if (part == 1) {
                            // On the worker: loops until it sees the caller's interrupt.
                            workerStarted.countDown();
                            try {
                                while (true) {
                                    Cancellation.checkInterrupted();
                                    Thread.onSpinWait();
                                }
                            } catch (ComputationInterruptedException e) {
                                workerThrew.set(e);
                                throw e;
                            }
                        }
                        try {
                            assertTrue(workerStarted.await(20, TimeUnit.SECONDS));
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                        Thread.currentThread().interrupt();
                    });
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            caller.start();
            caller.join(20_000);
            assertFalse(caller.isAlive(), "the worker's part did not stop");
            assertInstanceOf(ComputationInterruptedException.class, thrown.get());
            assertInstanceOf(ComputationInterruptedException.class, workerThrew.get());
            // The pool still runs parts, on a thread that is not interrupted.
            int[] ran = new int[2];
            workers.run(2, part -> ran[part]++);
            assertArrayEquals(new int[] {1, 1}, ran);
        }
    }
}
