package io.dse4j.spi;

import io.dse4j.Progress;
import io.dse4j.ProgressListener;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Where the long stages of one computation report their progress: the public {@link ProgressListener}, called at
 * most every {@link #INTERVAL_NANOS} and never from two threads at once, or nothing ({@link #current()} with no
 * listener installed is a sink whose methods return at once, so the stages report unconditionally).
 *
 * <p>The computation's entry point installs the sink on the calling thread ({@link #install()}); a backend announces
 * its stages with their estimated relative work ({@link #plan}), reports within a stage ({@link #stage}) from any
 * thread (capture {@link #current()} on the calling thread first: workers do not see it), and a batch says how many
 * of its items are finished ({@link #items}). The overall fraction is the planned work done, within the current item
 * of a batch; it never decreases.
 */
public final class ProgressSink {

    /** The shortest time between two reports, except the last. */
    public static final long INTERVAL_NANOS = 100_000_000L;

    private static final ThreadLocal<ProgressSink> CURRENT = new ThreadLocal<>();
    private static final ProgressSink NONE = new ProgressSink(null);

    private final ProgressListener listener;
    private final Thread caller = Thread.currentThread();
    private final long start = System.nanoTime();
    private final Map<String, Double> plan = new LinkedHashMap<>();
    private final Set<String> finished = new HashSet<>();
    private int item;
    private int items;
    private double reported;
    private long last = Long.MIN_VALUE;

    private ProgressSink(ProgressListener listener) {
        this.listener = listener;
    }

    /** A sink reporting to {@code listener} on behalf of the calling thread; the silent sink when it is null. */
    public static ProgressSink to(ProgressListener listener) {
        return listener == null ? NONE : new ProgressSink(listener);
    }

    /** The sink installed on this thread, or the silent one. */
    public static ProgressSink current() {
        ProgressSink sink = CURRENT.get();
        return sink == null ? NONE : sink;
    }

    /** Whether reports go anywhere (so a stage may skip the work of preparing them). */
    public boolean active() {
        return listener != null;
    }

    /** Makes this the {@link #current()} sink of the calling thread until the scope is closed. */
    public Scope install() {
        ProgressSink previous = CURRENT.get();
        CURRENT.set(this);
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /** The installation of a sink on a thread; closing restores the one before. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * The stages of the problem that starts now, in order, with their estimated relative work (operation counts
     * weighted by how fast each stage runs); unknown stages count as no work.
     */
    public void plan(Map<String, Double> work) {
        if (listener == null) {
            return;
        }
        synchronized (this) {
            double total = work.values().stream().mapToDouble(Double::doubleValue).sum();
            plan.clear();
            finished.clear();
            work.forEach((stage, w) -> plan.put(stage, total > 0 ? w / total : 0));
        }
    }

    /** Progress within {@code stage}: {@code fraction} of it done. From any thread. */
    public void stage(String stage, double fraction) {
        if (listener == null) {
            return;
        }
        synchronized (this) {
            if (fraction >= 1) {
                finished.add(stage);
            }
            report(stage, Math.clamp(fraction, 0, 1), false);
        }
    }

    /** {@code stage} has finished. */
    public void finished(String stage) {
        stage(stage, 1);
    }

    /** In a batch of {@code total} items, {@code done} are finished; the next one's stages start afresh. */
    public void items(int done, int total) {
        if (listener == null) {
            return;
        }
        synchronized (this) {
            // Lanes finish out of order; the count of finished items only grows.
            item = items == total ? Math.max(item, done) : done;
            items = total;
            finished.clear();
            report("batch", 1, false);
        }
    }

    /** The computation is complete: the last report, whatever the time since the one before. */
    public void complete() {
        if (listener == null) {
            return;
        }
        synchronized (this) {
            if (items > 0) {
                item = items;
            }
            reported = 1;
            report("done", 1, true);
        }
    }

    private void report(String stage, double stageFraction, boolean always) {
        long now = System.nanoTime();
        double within = 0;
        for (Map.Entry<String, Double> e : plan.entrySet()) {
            within += finished.contains(e.getKey()) ? e.getValue()
                    : e.getKey().equals(stage) ? e.getValue() * stageFraction : 0;
        }
        within = Math.min(1, within);
        double overall = items > 0 ? Math.min(1, (item + (item < items ? within : 0)) / items) : within;
        reported = Math.max(reported, overall);
        if (!always && last != Long.MIN_VALUE && now - last < INTERVAL_NANOS) {
            return;
        }
        last = now;
        listener.onProgress(new Progress(stage, stageFraction, reported, Duration.ofNanos(now - start), item, items,
                caller));
    }
}
