package io.dse4j.internal.cpu;

import io.dse4j.ComputationInterruptedException;
import io.dse4j.spi.Cancellation;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A fixed set of worker threads for the CPU backend's data-parallel loops. Work is split into at most as many parts
 * as there are threads ({@link #partsFor}), or — for a reduction, whose parts' sums must not depend on the thread
 * count — into parts by its work alone ({@link #reductionParts}), which the threads then take in turn; the calling
 * thread works too, so that a single-threaded configuration never hands work to another thread.
 *
 * <p>Cancellation: each {@link #run} is one cancellable unit. While a worker runs one of its parts it is
 * {@link Cancellation.OnBehalf on behalf of} the calling thread, so the part's {@link Cancellation#checkInterrupted()}
 * calls stop it once the caller is interrupted. The caller waits interruptibly: an interrupt that arrives while it
 * waits (which {@link ForkJoinTask#join()} would hide until the end) marks the run cancelled for its parts, sets the
 * caller's interrupt status again and waits on. {@code run} returns only when every part has stopped, so no part
 * outlives the call and the pool stays usable.
 */
final class Workers implements AutoCloseable {

    /** Element-operations below which handing work to another thread costs more than it saves. */
    static final double DEFAULT_GRAIN = 32_768;
    /**
     * The most parts of a reduction ({@link #reductionParts}): beyond 16 threads those stages stop scaling, and
     * each part costs a buffer and its share of the final sum.
     */
    static final int REDUCTION_PARTS = 16;

    private final int threads;
    private final double grain;
    private final ForkJoinPool pool;

    Workers(int threads) {
        this(threads, DEFAULT_GRAIN);
    }

    /** With a custom grain: tests use a grain of 1 so that even tiny problems are split among the threads. */
    Workers(int threads, double grain) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.grain = grain;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads - 1, Worker::new, null, false);
    }

    /** One call of {@link #run}: its calling thread, and whether the call has been cancelled. */
    private static final class Run {
        final Thread caller = Thread.currentThread();
        volatile boolean cancelled;

        boolean stopped() {
            return cancelled || caller.isInterrupted();
        }
    }

    /** A pool thread that knows, while it runs a part, which run the part belongs to. */
    private static final class Worker extends ForkJoinWorkerThread implements Cancellation.OnBehalf {

        /** Written and read by this thread only. */
        private Run run;

        Worker(ForkJoinPool pool) {
            super(null, pool, true);
        }

        @Override
        public boolean cancelled() {
            Run current = run;
            return current != null && current.stopped();
        }
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code part.accept(i)} for i in [0, parts) and returns when all are done; rethrows the first failure.
     *
     * @throws ComputationInterruptedException when the calling thread is interrupted, before starting or from a
     *                                         part's own check (after every part has stopped; the caller's interrupt
     *                                         status is set)
     */
    void run(int parts, IntConsumer part) {
        Cancellation.checkInterrupted();
        if (parts <= 1 || pool == null) {
            for (int i = 0; i < parts; i++) {
                part.accept(i);
            }
            return;
        }
        Run run = new Run();
        // More parts than threads (a reduction split by its work alone): one runner per thread, each taking the
        // next part not yet taken, so that no thread waits while parts are left. Otherwise one task per part.
        IntConsumer runner = part;
        int tasks = parts;
        if (parts > threads) {
            AtomicInteger next = new AtomicInteger();
            runner = ignored -> {
                for (int i = next.getAndIncrement(); i < parts; i = next.getAndIncrement()) {
                    if (run.cancelled) {
                        throw new ComputationInterruptedException();
                    }
                    part.accept(i);
                }
            };
            tasks = threads;
        }
        IntConsumer each = runner;
        ForkJoinTask<?>[] forked = new ForkJoinTask<?>[tasks - 1];
        for (int i = 1; i < tasks; i++) {
            int index = i;
            forked[i - 1] = pool.submit(() -> onBehalfOf(run, index, each));
        }
        Throwable failure = null;
        try {
            each.accept(0);
        } catch (RuntimeException e) {
            failure = e;
        }
        if (run.caller.isInterrupted()) {
            run.cancelled = true;
        }
        for (ForkJoinTask<?> task : forked) {
            Throwable e = await(task, run);
            if (e == null) {
                continue;
            }
            if (failure == null) {
                failure = e;
            } else if (!(e instanceof ComputationInterruptedException)) {
                failure.addSuppressed(e);
            }
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure != null) {
            throw new IllegalStateException("a part failed", failure);
        }
    }

    /**
     * Waits for one part and returns its failure, or null. An interrupt while waiting cancels the run, sets the
     * interrupt status again and waits on (the part stops at its next check).
     */
    private static Throwable await(ForkJoinTask<?> task, Run run) {
        if (!run.cancelled) {
            try {
                task.get();
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            } catch (InterruptedException e) {
                run.cancelled = true;
                Thread.currentThread().interrupt();
            }
        }
        try {
            task.join();
            return null;
        } catch (RuntimeException | Error e) {
            return e;
        }
    }

    /** Runs one part; on a worker, on behalf of the run's caller for the part's cancellation checks. */
    private static void onBehalfOf(Run run, int index, IntConsumer part) {
        if (run.cancelled) {
            throw new ComputationInterruptedException();
        }
        if (!(Thread.currentThread() instanceof Worker worker)) {
            // A waiting caller may run a part that no worker has taken yet: it checks its own interrupt status.
            part.accept(index);
            return;
        }
        worker.run = run;
        try {
            part.accept(index);
        } finally {
            worker.run = null;
        }
    }

    /**
     * Splits the columns [0, m) of a lower triangle, where column c holds m - c elements, into {@code parts}
     * ranges of nearly equal work. Returns parts + 1 boundaries.
     */
    static int[] splitTriangle(int m, int parts) {
        int[] bounds = new int[parts + 1];
        double total = (double) m * (m + 1) / 2;
        double h = m + 0.5;
        for (int t = 1; t < parts; t++) {
            // Work before column k is k·m - k(k-1)/2; solve for the k that holds a fraction t/parts of the total.
            double k = h - Math.sqrt(Math.max(0, h * h - 2 * total * t / parts));
            bounds[t] = Math.clamp(Math.round(k), bounds[t - 1], m);
        }
        bounds[parts] = m;
        return bounds;
    }

    /**
     * Splits the row blocks [0, blocks) of a lower triangle of tiles — row block I holds I+1 tiles — into
     * {@code parts} contiguous shares of about equal work: part t gets [bounds[t], bounds[t+1]).
     */
    static int[] splitTileRows(int blocks, int parts) {
        int[] bounds = new int[parts + 1];
        double total = (double) blocks * (blocks + 1) / 2;
        for (int t = 1; t < parts; t++) {
            // Tiles before row block I: I(I+1)/2; the cut is where that reaches t/parts of the total.
            bounds[t] = Math.clamp(Math.round(Math.sqrt(2 * total * t / parts + 0.25) - 0.5), bounds[t - 1], blocks);
        }
        bounds[parts] = blocks;
        return bounds;
    }

    /** How many parts to split {@code work} element-operations into, so that each part is worth a hand-off. */
    int partsFor(double work) {
        return (int) Math.max(1, Math.min(threads, work / grain));
    }

    /**
     * How many parts to split a reduction of {@code work} element-operations into — a computation whose parts each
     * sum into a buffer of their own, the buffers then added in part order: from the work alone, never from the
     * thread count, so that the result has the same bits with any number of threads (one thread runs the parts one
     * after another, sixteen run them at once). At most {@link #REDUCTION_PARTS}.
     */
    int reductionParts(double work) {
        return (int) Math.max(1, Math.min(REDUCTION_PARTS, work / grain));
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
