package io.dse4j.internal.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;

/**
 * A fixed set of worker threads for the CPU backend's data-parallel loops. Work is split into as many parts as
 * there are threads; the calling thread runs part 0 itself so that a single-threaded configuration never hands
 * work to another thread.
 */
final class Workers implements AutoCloseable {

    /** Element-operations below which handing work to another thread costs more than it saves. */
    static final double DEFAULT_GRAIN = 32_768;

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
        this.pool = threads == 1 ? null : new ForkJoinPool(threads - 1);
    }

    int threads() {
        return threads;
    }

    /** Runs {@code part.accept(i)} for i in [0, parts) and returns when all are done; rethrows the first failure. */
    void run(int parts, IntConsumer part) {
        if (parts <= 1 || pool == null) {
            for (int i = 0; i < parts; i++) {
                part.accept(i);
            }
            return;
        }
        ForkJoinTask<?>[] forked = new ForkJoinTask<?>[parts - 1];
        for (int i = 1; i < parts; i++) {
            int index = i;
            forked[i - 1] = pool.submit(() -> part.accept(index));
        }
        RuntimeException failure = null;
        try {
            part.accept(0);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (ForkJoinTask<?> task : forked) {
            try {
                task.join();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
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

    /** How many parts to split {@code work} element-operations into, so that each part is worth a hand-off. */
    int partsFor(double work) {
        return (int) Math.max(1, Math.min(threads, work / grain));
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
