package io.dse4j;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

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

    /**
     * Waits until the computation is running code of {@code className} (a frame of that class on the stack of its
     * thread or of a worker running a part of it, sampled every millisecond; of one of {@code methods} when any are
     * named), so that an interrupt or a close that follows lands inside the stage under test
     * instead of after a guessed delay, which a fast machine outruns. Fails if the computation ends first or the
     * stage is not reached within {@code millis} (a hang guard).
     */
    public void awaitInside(long millis, String className, String... methods) throws InterruptedException {
        java.util.Set<String> methodNames = java.util.Set.of(methods);
        String stage = className + (methods.length == 0 ? "" : " " + methodNames);
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (!thread.isAlive()) {
                fail("the computation ended before it ran code of " + stage + " (thrown: " + thrown.get() + ")");
            }
            for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
                for (StackTraceElement frame : stack) {
                    if (frame.getClassName().equals(className)
                            && (methodNames.isEmpty() || methodNames.contains(frame.getMethodName()))) {
                        return;
                    }
                }
            }
            Thread.sleep(1);
        }
        fail("the computation did not reach code of " + stage + " within " + millis / 1000 + " s");
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
