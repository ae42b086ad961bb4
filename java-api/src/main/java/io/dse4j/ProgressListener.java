package io.dse4j;

/**
 * Receives the progress of a long computation: entropy, mutual information, or a {@link Tracker}'s checkpoints. Set
 * one with {@code progress(listener)} on a builder.
 *
 * <p>It is called from the computation's long stages at a modest rate — at most every 100 ms, and once more when
 * the computation is complete — never from two threads at once for one computation, and possibly from a thread
 * other than the caller's (a CPU worker or a batch lane). It should return quickly. An exception it throws ends the computation and reaches
 * the caller. To stop the computation, call {@link Progress#cancel()}: the computation then ends as when its thread
 * is interrupted, with {@link ComputationInterruptedException}, every resource released.
 *
 * <p>A listener set on an instance that runs several computations at once (the instances are thread-safe) receives
 * the progress of each, interleaved and possibly at the same time from their threads: such a listener must be
 * thread-safe itself.
 */
@FunctionalInterface
public interface ProgressListener {

    /** One report. */
    void onProgress(Progress progress);
}
