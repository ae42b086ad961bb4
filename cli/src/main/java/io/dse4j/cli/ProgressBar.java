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
 * on a clean line.
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
    private boolean drawn;

    /** Whether the bar opened its stream (the terminal descriptor) and so closes it. */
    private final boolean ownsStream;

    private ProgressBar(PrintStream err, String what) {
        this(err, what, false);
    }

    private ProgressBar(PrintStream err, String what, boolean ownsStream) {
        this.err = err;
        this.what = what;
        this.ownsStream = ownsStream;
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

    /** One line: {@code what [#######.....]  42%  stage (item k/n)  3.1 s, ~4.2 s left}. */
    String line(Progress p) {
        int filled = (int) Math.round(p.fraction() * WIDTH);
        StringBuilder s = new StringBuilder(what).append(" [");
        s.append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
        s.append(String.format(Locale.ROOT, "%3.0f%%  ", 100 * p.fraction()));
        s.append(p.items() > 0 ? p.item() + "/" + p.items() : p.stage()).append("  ");
        s.append(seconds(p.elapsed()));
        Duration left = p.remaining();
        s.append(left == null ? "" : ", ~" + seconds(left) + " left");
        return s.toString();
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
        if (ownsStream) {
            err.close();
        }
    }
}
