package io.dse4j;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A computation run on a thread of its own, for the tests that interrupt or close something while it runs: what it
 * returned or threw, and whether its thread's interrupt status was set when it ended.
 */
public final class BackgroundComputation {

    private final Thread thread;
    private final AtomicReference<Object> result = new AtomicReference<>();
    private final AtomicReference<Throwable> thrown = new AtomicReference<>();
    private volatile boolean interruptStatus;

    private BackgroundComputation(Supplier<?> computation, String name) {
        thread = new Thread(() -> {
            try {
                result.set(computation.get());
            } catch (Throwable t) {
                thrown.set(t);
            }
            interruptStatus = Thread.currentThread().isInterrupted();
        }, name);
    }

    /** Starts {@code computation} on a new thread. */
    public static BackgroundComputation start(Supplier<?> computation, String name) {
        BackgroundComputation running = new BackgroundComputation(computation, name);
        running.thread.start();
        return running;
    }

    public Thread thread() {
        return thread;
    }

    /** Waits for the end at most {@code millis} (a hang guard, not a speed target) and fails if it has not come. */
    public void await(long millis) throws InterruptedException {
        thread.join(millis);
        assertFalse(thread.isAlive(), "still running " + millis / 1000 + " s later");
    }

    public Object result() {
        return result.get();
    }

    public Throwable thrown() {
        return thrown.get();
    }

    public boolean interruptStatus() {
        return interruptStatus;
    }
}
