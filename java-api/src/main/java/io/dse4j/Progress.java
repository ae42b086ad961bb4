package io.dse4j;

import java.time.Duration;
import java.util.Locale;

/**
 * One progress report of a computation (see {@link ProgressListener}).
 *
 * <p>{@link #stage()} names the stage the report is about — running, or just finished when its
 * {@link #stageFraction()} is 1 — with the names of {@link StageTimings}: "distances", "kernel", "band" (two-stage
 * reduction only), "tridiagonal", "eigenvalues" on the CPU; "upload", "distances", "kernel", "eigenvalues",
 * "download" on the GPU; "done" in the last report. A batch (DSMI's subsets, a tracker's checkpoints) also says which item it is on: {@link #item()} of
 * {@link #items()}, counting the items finished. {@link #fraction()} is the estimated share of the whole computation
 * done (from the stages' operation counts, so a time estimate can be made from it), never decreasing from one report
 * to the next and 1 in the last.
 */
public final class Progress {

    private final String stage;
    private final double stageFraction;
    private final double fraction;
    private final Duration elapsed;
    private final int item;
    private final int items;
    private final Thread caller;

    /**
     * @param caller the thread the computation runs for, which {@link #cancel()} interrupts
     */
    public Progress(String stage, double stageFraction, double fraction, Duration elapsed, int item, int items,
                    Thread caller) {
        this.stage = stage;
        this.stageFraction = stageFraction;
        this.fraction = fraction;
        this.elapsed = elapsed;
        this.item = item;
        this.items = items;
        this.caller = caller;
    }

    /** The stage the report is about ("done" in the last report). */
    public String stage() {
        return stage;
    }

    /** The share of the current stage done, in [0, 1]. */
    public double stageFraction() {
        return stageFraction;
    }

    /** The estimated share of the whole computation done, in [0, 1]: non-decreasing, 1 when complete. */
    public double fraction() {
        return fraction;
    }

    /** The time since the computation started. */
    public Duration elapsed() {
        return elapsed;
    }

    /** Items of a batch finished (problems, checkpoints); 0 outside a batch. */
    public int item() {
        return item;
    }

    /** The items in the batch; 0 outside a batch. */
    public int items() {
        return items;
    }

    /**
     * The estimated time left, from the elapsed time and the fraction done; {@link Duration#ZERO} when complete and
     * null while too little is done to say.
     */
    public Duration remaining() {
        if (fraction >= 1) {
            return Duration.ZERO;
        }
        if (fraction < 0.01) {
            return null;
        }
        return Duration.ofNanos((long) (elapsed.toNanos() * (1 - fraction) / fraction));
    }

    /**
     * Asks the computation to stop: interrupts the thread it runs for, so it ends soon after with
     * {@link ComputationInterruptedException} (that thread's interrupt status then set), as with
     * {@link Thread#interrupt()}.
     */
    public void cancel() {
        caller.interrupt();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %.0f%% (%.0f%% of the stage)%s, %.1f s", stage, 100 * fraction,
                100 * stageFraction, items > 0 ? ", " + item + " of " + items : "", elapsed.toNanos() * 1e-9);
    }
}
