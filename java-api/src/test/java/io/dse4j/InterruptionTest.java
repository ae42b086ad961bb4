package io.dse4j;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interrupting a long CPU computation: it stops with {@link ComputationInterruptedException} soon after the
 * interrupt (the 20 s join is a hang guard: uninterrupted, these computations run for seconds and end normally), the
 * thread's interrupt status is still set, and the same instance then computes a small case exactly as a fresh one.
 */
class InterruptionTest {

    /** A hang guard, not a speed target. */
    private static final long JOIN_MILLIS = 20_000;

    /** The CPU backend's stages (package-private classes, so named here). */
    private static final String REDUCTION = "io.dse4j.internal.cpu.TridiagonalReduction";
    private static final String TO_BAND = "io.dse4j.internal.cpu.BandReduction";
    private static final String BULGE_CHASING = "io.dse4j.internal.cpu.BandToTridiagonal";
    private static final String GENERAL_EIGENSOLVER = "io.dse4j.internal.cpu.GeneralEigenvalues";

    /** N points with D independent standard normal coordinates, seeded. */
    static Matrix gaussian(int n, int d, long seed) {
        Random random = new Random(seed);
        double[] x = new double[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
        }
        return Matrix.ofRowMajor(x, n, d);
    }

    private record Outcome(Object result, Throwable thrown, boolean interruptStatus) {
    }

    /**
     * Runs {@code computation} on a thread of its own, interrupts it once it runs code of {@code stage} (the
     * eigensolver, where nearly all of its time goes), and waits.
     */
    private static Outcome interruptWhileRunning(String stage, Supplier<?> computation) throws InterruptedException {
        BackgroundComputation running = BackgroundComputation.start(computation, "interrupted computation");
        running.awaitInside(JOIN_MILLIS, stage);
        running.thread().interrupt();
        running.await(JOIN_MILLIS);
        return new Outcome(running.result(), running.thrown(), running.interruptStatus());
    }

    private static void assertStoppedByTheInterrupt(Outcome outcome) {
        assertNull(outcome.result(), "the computation ran to its end despite the interrupt");
        ComputationInterruptedException e = assertInstanceOf(ComputationInterruptedException.class, outcome.thrown());
        assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
        assertTrue(outcome.interruptStatus(), "the thread's interrupt status must be set when the exception comes");
    }

    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 2})
    void dseStopsAndTheInstanceStaysUsable(int threads) throws InterruptedException {
        Matrix large = gaussian(3000, 8, 1);
        Matrix small = gaussian(200, 4, 2);
        try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().backend("cpu").threads(threads)
                .sigma(3).build();
             DiffusionSpectralEntropy fresh = DiffusionSpectralEntropy.builder().backend("cpu").threads(threads)
                     .sigma(3).build()) {
            // N = 3000: the two-stage reduction, interrupted in its first stage.
            assertStoppedByTheInterrupt(interruptWhileRunning(TO_BAND, () -> dse.compute(large)));
            assertEquals(fresh.compute(small).entropy(), dse.compute(small).entropy(), 0.0);
        }
    }

    @Test
    void theBulgeChasingOfTheTwoStageReductionStops() throws InterruptedException {
        Matrix large = gaussian(3000, 8, 9);
        Matrix small = gaussian(200, 4, 10);
        DiffusionSpectralEntropy.Builder options = DiffusionSpectralEntropy.builder().backend("cpu").threads(2)
                .sigma(3);
        try (DiffusionSpectralEntropy dse = options.build(); DiffusionSpectralEntropy fresh = options.build()) {
            assertStoppedByTheInterrupt(interruptWhileRunning(BULGE_CHASING, () -> dse.compute(large)));
            assertEquals(fresh.compute(small).entropy(), dse.compute(small).entropy(), 0.0);
        }
    }

    @Test
    void aDsmiBatchStopsWithItsLanesAndTheInstanceStaysUsable() throws InterruptedException {
        // Two classes of 1200 and one random subset each: four eigenproblems, two at a time on two lanes.
        Matrix z = gaussian(2400, 6, 3);
        int[] labels = new int[2400];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 2;
        }
        Matrix smallZ = gaussian(120, 4, 4);
        int[] smallLabels = new Random(5).ints(120, 0, 3).toArray();
        MutualInformation.Builder options = MutualInformation.builder().backend("cpu").threads(2).repetitions(1)
                .sigma(3);
        try (MutualInformation mi = options.build(); MutualInformation fresh = options.build()) {
            assertStoppedByTheInterrupt(interruptWhileRunning(REDUCTION, () -> mi.compute(z, labels)));
            assertEquals(fresh.compute(smallZ, smallLabels).mi(), mi.compute(smallZ, smallLabels).mi(), 0.0);
        }
    }

    /**
     * CSMI's tasks (counting bins) check for nothing themselves: the interrupt must still stop the batch between
     * tasks, on one thread and on several, instead of the batch running to its end and returning a number.
     */
    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 2})
    void aCsmiBatchOfTasksWithoutChecksOfTheirOwnStops(int threads) {
        Matrix z = gaussian(20_000, 4, 12);
        int[] labels = new int[z.rows()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 2;
        }
        Thread caller = Thread.currentThread();
        try (MutualInformation mi = MutualInformation.builder().measure(MutualInformation.Measure.CSMI)
                .backend("cpu").threads(threads).repetitions(40).progress(p -> {
                    if (p.item() >= 1) {
                        caller.interrupt();
                    }
                }).build()) {
            ComputationInterruptedException e = org.junit.jupiter.api.Assertions.assertThrows(
                    ComputationInterruptedException.class, () -> mi.compute(z, labels),
                    "the batch ran to its end despite the interrupt");
            assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
            assertTrue(Thread.interrupted(), "the interrupt status is set when the exception comes");
        }
    }

    @Test
    void theGeneralEigensolverOfTheKnnAdjacencyStops() throws InterruptedException {
        Matrix x = gaussian(800, 5, 6);
        Matrix small = gaussian(100, 3, 7);
        DiffusionSpectralEntropy.Builder options = DiffusionSpectralEntropy.builder().backend("cpu").threads(1);
        try (AdjacencySpectralEntropy ase = AdjacencySpectralEntropy.builder(AdjacencySpectralEntropy.Variant.KNN)
                .options(options.options()).knn(5).build();
             AdjacencySpectralEntropy fresh = AdjacencySpectralEntropy.builder(AdjacencySpectralEntropy.Variant.KNN)
                     .options(options.options()).knn(5).build()) {
            assertStoppedByTheInterrupt(interruptWhileRunning(GENERAL_EIGENSOLVER, () -> ase.compute(x)));
            assertEquals(fresh.compute(small).entropy(), ase.compute(small).entropy(), 0.0);
        }
    }

    @Test
    void anAlreadyInterruptedThreadDoesNotStartAndKeepsItsStatus() {
        try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().backend("cpu").threads(2).build()) {
            Thread.currentThread().interrupt();
            try {
                ComputationInterruptedException e = org.junit.jupiter.api.Assertions.assertThrows(
                        ComputationInterruptedException.class, () -> dse.compute(gaussian(50, 2, 8)));
                assertEquals(ComputationInterruptedException.MESSAGE, e.getMessage());
                assertTrue(Thread.currentThread().isInterrupted());
            } finally {
                Thread.interrupted();
            }
            assertEquals(50, dse.compute(gaussian(50, 2, 8)).n());
        }
    }
}
