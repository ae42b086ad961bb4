package io.dse4j;

/**
 * A computation stopped because the thread that ran it was interrupted ({@link Thread#interrupt()}). The backends
 * look at the thread's interrupt status between blocks of their long stages — on the CPU also from the worker
 * threads that run parts of the computation for the caller; on the GPU between uploads, kernels and solver calls —
 * so the exception comes shortly after the interrupt, not at the end of the computation.
 *
 * <p>When this is thrown, the interrupted thread's interrupt status is set (it was never cleared, or it was set
 * again after an {@link InterruptedException}), as the {@code java.util.concurrent} conventions ask, so that code
 * further up still sees the request. Everything the computation held (worker threads' parts, device buffers) has
 * been released, and the instance that ran it stays usable for the next computation.
 */
public class ComputationInterruptedException extends ComputationException {

    private static final long serialVersionUID = 1L;

    static final String MESSAGE = "the computation was interrupted (the thread's interrupt status stays set)";

    public ComputationInterruptedException() {
        super(MESSAGE);
    }

    /** With the {@link InterruptedException} that a wait inside the computation received. */
    public ComputationInterruptedException(Throwable cause) {
        super(MESSAGE, cause);
    }
}
