package io.dse4j.spi;

import io.dse4j.ComputationInterruptedException;

/**
 * The one cancellation mechanism of the backends: a computation is cancelled by interrupting the thread that called
 * it, and its long stages call {@link #checkInterrupted()} at their block boundaries (a row block, a panel, a sweep,
 * between device calls), never per element: the check is one read of the interrupt status.
 *
 * <p>A thread that runs part of another thread's computation (a CPU worker) implements {@link OnBehalf}; the check
 * then asks it whether the computation it works for has been cancelled, so interrupting the caller stops the parts
 * running on workers too.
 */
public final class Cancellation {

    /** A thread that runs part of another thread's computation. */
    public interface OnBehalf {

        /**
         * Whether the computation this thread is working on now has been cancelled: its caller was interrupted.
         * False when the thread is idle.
         */
        boolean cancelled();
    }

    private Cancellation() {
    }

    /**
     * Throws {@link ComputationInterruptedException} when the thread this computation runs for has been interrupted;
     * the interrupt status is only read, so it stays set for the caller.
     */
    public static void checkInterrupted() {
        Thread current = Thread.currentThread();
        if (current instanceof OnBehalf worker ? worker.cancelled() : current.isInterrupted()) {
            throw new ComputationInterruptedException();
        }
    }

    /**
     * For a wait that threw {@link InterruptedException} (which clears the status): sets the current thread's
     * interrupt status again and returns the exception to throw.
     */
    public static ComputationInterruptedException interrupted(InterruptedException cause) {
        Thread.currentThread().interrupt();
        return new ComputationInterruptedException(cause);
    }
}
