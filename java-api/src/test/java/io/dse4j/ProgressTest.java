package io.dse4j;

import io.dse4j.spi.ProgressSink;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Progress reports: what a listener is promised (a non-decreasing fraction ending at 1 in a "done" report, stage
 * names of the stage timings, batch items counted, at most one report per interval, never two at once), that
 * listening does not change a result, and that a listener can cancel.
 */
class ProgressTest {

    /** Records every report and fails on two at once. */
    private static final class Recorder implements ProgressListener {
        final List<Progress> reports = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean inside = new AtomicBoolean();
        volatile boolean overlapped;

        @Override
        public void onProgress(Progress progress) {
            if (!inside.compareAndSet(false, true)) {
                overlapped = true;
            }
            reports.add(progress);
            inside.set(false);
        }
    }

    private static void assertWellFormed(Recorder recorder) {
        List<Progress> reports = List.copyOf(recorder.reports);
        assertFalse(recorder.overlapped, "the listener was called from two threads at once");
        assertFalse(reports.isEmpty());
        Progress last = reports.get(reports.size() - 1);
        assertEquals("done", last.stage());
        assertEquals(1.0, last.fraction());
        assertEquals(java.time.Duration.ZERO, last.remaining());
        for (int i = 1; i < reports.size(); i++) {
            Progress before = reports.get(i - 1);
            Progress now = reports.get(i);
            assertTrue(now.fraction() >= before.fraction(), "fraction went back: " + before + " then " + now);
            assertTrue(now.fraction() >= 0 && now.fraction() <= 1, now.toString());
            if (i < reports.size() - 1) {
                long gap = now.elapsed().minus(before.elapsed()).toNanos();
                assertTrue(gap >= ProgressSink.INTERVAL_NANOS, "two reports " + gap + " ns apart: " + before
                        + ", " + now);
            }
        }
    }

    @Test
    void aLongEntropyReportsItsStagesAndTheSameResultAsWithoutAListener() {
        Matrix x = InterruptionTest.gaussian(2500, 16, 3);
        Recorder recorder = new Recorder();
        double listened;
        double plain;
        try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().backend("cpu").sigma(4)
                .progress(recorder).build();
             DiffusionSpectralEntropy quiet = DiffusionSpectralEntropy.builder().backend("cpu").sigma(4).build()) {
            listened = dse.compute(x).entropy();
            plain = quiet.compute(x).entropy();
        }
        assertEquals(plain, listened, 0.0, "listening changes nothing");
        assertWellFormed(recorder);
        Set<String> known = Set.of("prepare", "distances", "kernel", "band", "tridiagonal", "eigenvalues", "done");
        for (Progress p : recorder.reports) {
            assertTrue(known.contains(p.stage()), "stage " + p.stage());
            assertEquals(0, p.items(), "no batch in a single entropy");
        }
        assertTrue(recorder.reports.size() >= 2, "a computation of a second or more reports on the way: "
                + recorder.reports);
        assertTrue(recorder.reports.stream().anyMatch(p -> p.fraction() > 0 && p.fraction() < 1),
                "a report between start and end: " + recorder.reports);
    }

    @Test
    void mutualInformationCountsItsProblems() {
        Matrix z = InterruptionTest.gaussian(300, 6, 4);
        int[] labels = new int[300];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 3;
        }
        for (MutualInformation.Measure measure : List.of(MutualInformation.Measure.DSMI,
                MutualInformation.Measure.CSMI)) {
            for (int threads : new int[] {1, 2}) {
                Recorder recorder = new Recorder();
                try (MutualInformation mi = MutualInformation.builder().measure(measure).backend("cpu")
                        .threads(threads).repetitions(2).sigma(3).progress(recorder).build()) {
                    mi.compute(z, labels);
                }
                assertWellFormed(recorder);
                int previous = 0;
                for (Progress p : recorder.reports) {
                    assertEquals(9, p.items(), "3 classes × (1 + 2 subsets): " + p);
                    assertTrue(p.item() >= previous && p.item() <= 9, p.toString());
                    previous = p.item();
                }
                assertEquals(9, recorder.reports.get(recorder.reports.size() - 1).item());
            }
        }
    }

    @Test
    void aListenerThatCancelsStopsTheComputationAndTheInstanceStaysUsable() {
        Matrix large = InterruptionTest.gaussian(3000, 8, 5);
        Matrix small = InterruptionTest.gaussian(200, 4, 6);
        ProgressListener cancelling = p -> {
            if (p.stage().equals("band") || p.stage().equals("tridiagonal") || p.stage().equals("distances")) {
                p.cancel();
            }
        };
        try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().backend("cpu").sigma(3)
                .progress(cancelling).build();
             DiffusionSpectralEntropy fresh = DiffusionSpectralEntropy.builder().backend("cpu").sigma(3).build()) {
            long start = System.nanoTime();
            ComputationInterruptedException e = assertThrows(ComputationInterruptedException.class,
                    () -> dse.compute(large));
            assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
            // The contract the README states: the caller's interrupt status stays set (the thread was interrupted,
            // as Java's convention has it), so a computation started on it before clearing stops at once.
            assertTrue(Thread.currentThread().isInterrupted(), "cancel() leaves the caller's status set");
            assertThrows(ComputationInterruptedException.class, () -> fresh.compute(small),
                    "not cleared: the next computation on the thread stops at once");
            assertTrue(Thread.interrupted(), "still set after that, and cleared here");
            assertEquals(fresh.compute(small).entropy(), dse.compute(small).entropy(), 0.0);
            assertTrue(System.nanoTime() - start < 60_000_000_000L, "hang guard");
        }
    }

    @Test
    void aListenersExceptionReachesTheCaller() {
        IllegalStateException boom = new IllegalStateException("listener failed");
        try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().backend("cpu")
                .progress(p -> {
                    throw boom;
                }).build()) {
            RuntimeException thrown = assertThrows(RuntimeException.class, () -> dse.compute(InterruptionTest.gaussian(
                    100, 3, 7)));
            assertEquals(boom, thrown);
        }
    }

    @Test
    void theSinkWeighsStagesByThePlanAndCountsItemsInABatch() {
        List<Progress> reports = new ArrayList<>();
        ProgressSink sink = ProgressSink.to(reports::add);
        sink.plan(Map.of("a", 1.0, "b", 3.0));
        sink.stage("a", 0.5);                      // the first report always goes through
        assertEquals(0.125, reports.get(0).fraction(), 1e-12);
        sink.complete();
        assertEquals(1.0, reports.get(1).fraction());
        assertEquals("done", reports.get(1).stage());

        List<Progress> batch = new ArrayList<>();
        ProgressSink items = ProgressSink.to(batch::add);
        items.items(0, 4);
        assertEquals(0.0, batch.get(0).fraction());
        assertEquals(4, batch.get(0).items());
        items.complete();
        assertEquals(4, batch.get(1).item());

        List<Progress> lanes = new ArrayList<>();
        ProgressSink outOfOrder = ProgressSink.to(lanes::add);
        outOfOrder.items(3, 9);
        try {
            Thread.sleep(ProgressSink.INTERVAL_NANOS / 1_000_000 + 5);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        outOfOrder.items(2, 9);                    // a lane that started earlier finishes later
        assertEquals(3, lanes.get(lanes.size() - 1).item(), "the count of finished items never goes back");

        assertFalse(ProgressSink.to(null).active(), "no listener: the silent sink");
        assertFalse(ProgressSink.current().active(), "nothing installed on this thread");
        try (ProgressSink.Scope installed = sink.install()) {
            assertEquals(sink, ProgressSink.current());
        }
        assertFalse(ProgressSink.current().active(), "closing the scope restores the thread's sink");
    }

    @Test
    void remainingTimeIsEstimatedFromTheFractionDone() {
        Progress half = new Progress("tridiagonal", 0.5, 0.5, java.time.Duration.ofSeconds(3), 0, 0,
                Thread.currentThread());
        assertEquals(java.time.Duration.ofSeconds(3), half.remaining());
        Progress early = new Progress("distances", 0.001, 0.001, java.time.Duration.ofSeconds(1), 0, 0,
                Thread.currentThread());
        assertEquals(null, early.remaining(), "too early to say");
        assertTrue(half.toString().startsWith("tridiagonal 50%"), half.toString());
    }
}
