package io.dse4j.cli;

import io.dse4j.Progress;
import io.dse4j.ProgressListener;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * The command line's progress bar on stderr: drawn over one line with carriage returns, from the first report a
 * second into the computation (shorter runs show nothing), with the stage, the item of a batch, the time elapsed
 * and an estimate of the time left; the line is cleared when the computation ends, so the report that follows starts
 * on a clean line — and when the process is stopped (Ctrl-C), by a shutdown hook, so the shell's prompt does not
 * land after a half-drawn bar.
 *
 * <p>The time left is estimated from the rate of the recent reports ({@link #remaining}), not from the average since
 * the start: the first seconds of a cold JVM (class loading, the compiler warming up the kernels) advance the
 * operation-count fraction far more slowly than the rest of the run, and an average over them overestimated a 35 s
 * run as more than 5 minutes at 2 %.
 *
 * <p>Shown only when stderr is a terminal and neither {@code --json} nor {@code --quiet} is given, so pipes, scripts
 * and CI logs stay clean. The launcher says whether stderr is a terminal ({@code DSE4J_STDERR_IS_TERMINAL}; it
 * filters the JVM's stderr through a pipe, so the JVM cannot see it); without the launcher, a JVM with a terminal
 * for its console counts as one.
 */
final class ProgressBar implements ProgressListener, AutoCloseable {

    /** Set by the launcher to 1 or 0: whether the stderr it was started with is a terminal. */
    static final String TERMINAL_VARIABLE = "DSE4J_STDERR_IS_TERMINAL";

    private static final long SHOW_AFTER_NANOS = 1_000_000_000L;
    private static final int WIDTH = 28;

    private final PrintStream err;
    private final String what;
    private volatile boolean drawn;
    /** The reports so far: seconds elapsed and fraction done, for the recent rate. */
    private final java.util.ArrayDeque<double[]> history = new java.util.ArrayDeque<>();
    /** Clears the line if the process stops while the bar is drawn; removed when the bar closes. */
    private final Thread onExit = new Thread(this::clearOnExit, "dse4j-progress-bar-exit");

    /** Whether the bar opened its stream (the terminal descriptor) and so closes it. */
    private final boolean ownsStream;

    private ProgressBar(PrintStream err, String what) {
        this(err, what, false);
    }

    private ProgressBar(PrintStream err, String what, boolean ownsStream) {
        this.err = err;
        this.what = what;
        this.ownsStream = ownsStream;
        try {
            Runtime.getRuntime().addShutdownHook(onExit);
        } catch (IllegalStateException shuttingDown) {
            // The process is already stopping: nothing will be drawn.
        }
    }

    /** The shutdown hook that clears the line (while the bar is open). */
    Thread exitHook() {
        return onExit;
    }

    /** At exit with the bar drawn (Ctrl-C during a run): the line cleared. Not synchronized: a hook must not wait. */
    private void clearOnExit() {
        if (drawn) {
            err.print("\r\033[K");
            err.flush();
        }
    }

    /** Set by the launcher: a file descriptor on the terminal itself, not behind its stderr filter. */
    static final String TERMINAL_FD_VARIABLE = "DSE4J_PROGRESS_FD";

    /**
     * A bar for {@code what} on {@code err} — or on the terminal descriptor the launcher passes, so that the bar and
     * the report on stdout reach the screen in order — or null when none is wanted.
     */
    static ProgressBar forTerminal(PrintStream err, String what, boolean json, boolean quiet) {
        if (json || quiet || !stderrIsTerminal()) {
            return null;
        }
        String fd = System.getenv(TERMINAL_FD_VARIABLE);
        if (fd != null && fd.matches("\\d{1,3}") && err == System.err) {
            try {
                return new ProgressBar(new PrintStream(new java.io.FileOutputStream("/dev/fd/" + fd), true,
                        java.nio.charset.StandardCharsets.UTF_8), what, true);
            } catch (java.io.IOException | SecurityException unavailable) {
                // Draw on stderr, as without the launcher.
            }
        }
        return new ProgressBar(err, what);
    }

    /** A bar drawn whatever the terminal, for tests. */
    static ProgressBar always(PrintStream err, String what) {
        return new ProgressBar(err, what);
    }

    private static boolean stderrIsTerminal() {
        String told = System.getenv(TERMINAL_VARIABLE);
        if (told != null) {
            return told.equals("1");
        }
        java.io.Console console = System.console();
        return console != null && console.isTerminal();
    }

    @Override
    public synchronized void onProgress(Progress p) {
        if (p.stage().equals("done")) {
            clear();
            return;
        }
        if (p.elapsed().toNanos() < SHOW_AFTER_NANOS) {
            return;
        }
        err.print("\r" + line(p) + "\033[K");
        err.flush();
        drawn = true;
    }

    /** One line: {@code what [#######.....]  42%  stage (item k/n)  3.1 s, ~4.2 s left}; the report is recorded. */
    String line(Progress p) {
        int filled = (int) Math.round(p.fraction() * WIDTH);
        StringBuilder s = new StringBuilder(what).append(" [");
        s.append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
        s.append(String.format(Locale.ROOT, "%3.0f%%  ", 100 * p.fraction()));
        s.append(p.items() > 0 ? p.item() + "/" + p.items() : p.stage()).append("  ");
        s.append(seconds(p.elapsed()));
        Duration left = remaining(p);
        s.append(left == null ? "" : ", ~" + seconds(left) + " left");
        return s.toString();
    }

    /** No estimate before this much of the run is done, or this many seconds have passed. */
    static final double ESTIMATE_FROM_FRACTION = 0.02;
    static final double ESTIMATE_FROM_SECONDS = 2;

    /**
     * The time left at report {@code p} (recorded): the fraction still to do over the rate of the reports of the
     * last eighth of the elapsed time (at least the last second) — the rate of the run as it goes now, not as it
     * went while the JVM was cold; the average since the start while no earlier report is that far back. Null
     * before {@value #ESTIMATE_FROM_FRACTION} of the run or {@value #ESTIMATE_FROM_SECONDS} s, or while the
     * fraction stands still; zero when done.
     */
    synchronized Duration remaining(Progress p) {
        double now = p.elapsed().toNanos() * 1e-9;
        double fraction = p.fraction();
        history.addLast(new double[] {now, fraction});
        // The window starts at the last report at or before `since`, which only moves forward as the run goes on:
        // the reports before that one are never needed again (a --follow run reports for hours).
        double since = now - Math.max(1, now / 8);
        while (history.size() > 1 && nextAfterFirst()[0] <= since) {
            history.removeFirst();
        }
        if (fraction >= 1) {
            return Duration.ZERO;
        }
        if (fraction < ESTIMATE_FROM_FRACTION || now < ESTIMATE_FROM_SECONDS) {
            return null;
        }
        double[] from = history.getFirst()[0] <= since ? history.getFirst() : new double[] {0, 0};
        double rate = (fraction - from[1]) / (now - from[0]);
        if (!(rate > 0)) {
            return null;
        }
        return Duration.ofNanos((long) ((1 - fraction) / rate * 1e9));
    }

    /** The second-oldest report kept. */
    private double[] nextAfterFirst() {
        java.util.Iterator<double[]> reports = history.iterator();
        reports.next();
        return reports.next();
    }

    private static String seconds(Duration d) {
        long s = d.toSeconds();
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60);
        }
        if (s >= 60) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%.1f s", d.toNanos() * 1e-9);
    }

    /** Clears the bar's line, if one was drawn; a later report draws it again. */
    synchronized void clear() {
        if (drawn) {
            err.print("\r\033[K");
            err.flush();
            drawn = false;
        }
    }

    /** Clears the bar's line, and closes the terminal descriptor it opened. */
    @Override
    public synchronized void close() {
        clear();
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException shuttingDown) {
            // Closed by a shutdown: the hook runs (and finds the line cleared).
        }
        if (ownsStream) {
            err.close();
        }
    }
}
