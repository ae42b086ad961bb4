package io.dse4j.cli;

import io.dse4j.Progress;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress bar: what a line says, when it is drawn, that it is cleared at the end, and when there is none. */
class ProgressBarTest {

    private static Progress at(String stage, double fraction, double seconds, int item, int items) {
        return new Progress(stage, fraction, fraction, Duration.ofMillis((long) (seconds * 1000)), item, items,
                Thread.currentThread());
    }

    private static ProgressBar bar() {
        return ProgressBar.always(new PrintStream(new ByteArrayOutputStream()), "entropy");
    }

    @Test
    void aLineShowsTheBarTheShareTheStageAndTheTimes() {
        assertEquals("entropy [#######.....................]  25%  band  3.0 s, ~9.0 s left",
                bar().line(at("band", 0.25, 3, 0, 0)), "a first report: the average since the start");
        assertEquals("entropy [##############..............]  50%  30/60  1m35s, ~1m35s left",
                bar().line(at("batch", 0.5, 95, 30, 60)));
        assertTrue(bar().line(at("distances", 0.001, 1.5, 0, 0)).endsWith("distances  1.5 s"),
                "no estimate while too little is done");
        assertTrue(bar().line(at("distances", 0.3, 1.5, 0, 0)).endsWith("distances  1.5 s"),
                "nor in the first two seconds");
    }

    /**
     * A cold start: the first 2 % took 10 s (JIT, class loading), then the run goes at 6 % a second. At 17 % after
     * 12.5 s the time left is about 14 s; the average since the start would say 61 s.
     */
    @Test
    void theTimeLeftFollowsTheRecentRateNotTheColdStart() {
        ProgressBar bar = bar();
        double[][] reports = {{1, 0.005}, {5, 0.01}, {10, 0.02}, {10.5, 0.05}, {11, 0.08}, {11.5, 0.11}, {12, 0.14},
            {12.5, 0.17}};
        Duration left = null;
        for (double[] r : reports) {
            left = bar.remaining(at("tridiagonal", r[1], r[0], 0, 0));
        }
        assertTrue(left != null && Math.abs(left.toMillis() / 1000.0 - 0.83 / 0.06) < 1, "~13.8 s left: " + left);
        assertTrue(at("tridiagonal", 0.17, 12.5, 0, 0).remaining().toSeconds() > 55, "what the average says");
        assertEquals(Duration.ZERO, bar.remaining(at("done", 1, 13, 0, 0)));
    }

    @Test
    void drawnAfterTheFirstSecondOverOneLineAndClearedWhenDone() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ProgressBar bar = ProgressBar.always(new PrintStream(err, true, StandardCharsets.UTF_8), "entropy")) {
            bar.onProgress(at("distances", 0.05, 0.5, 0, 0));
            assertEquals("", err.toString(StandardCharsets.UTF_8), "runs shorter than a second show nothing");
            bar.onProgress(at("tridiagonal", 0.5, 1.5, 0, 0));
            bar.onProgress(at("tridiagonal", 0.7, 2.0, 0, 0));
            String drawn = err.toString(StandardCharsets.UTF_8);
            assertEquals(2, drawn.chars().filter(c -> c == '\r').count(), drawn);
            assertTrue(!drawn.contains("\n"), "one line, redrawn: " + drawn);
            bar.onProgress(at("done", 1, 2.5, 0, 0));
        }
        String all = err.toString(StandardCharsets.UTF_8);
        assertTrue(all.endsWith("\r\033[K"), "the line is cleared at the end: " + all);
    }

    @Test
    void noBarForJsonQuietOrAStderrThatIsNotATerminal() {
        PrintStream err = new PrintStream(new ByteArrayOutputStream());
        assertNull(ProgressBar.forTerminal(err, "entropy", true, false));
        assertNull(ProgressBar.forTerminal(err, "entropy", false, true));
        if (System.getenv(ProgressBar.TERMINAL_VARIABLE) == null && System.console() == null) {
            assertNull(ProgressBar.forTerminal(err, "entropy", false, false), "tests run without a terminal");
        }
    }

    /**
     * Stopped while drawn (Ctrl-C runs the JVM's shutdown hooks): the bar's hook clears its line, so the shell's
     * prompt does not follow a half-drawn bar; a bar closed normally takes its hook away.
     */
    @Test
    void aBarDrawnWhenTheProcessStopsIsClearedByItsShutdownHook() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ProgressBar bar = ProgressBar.always(new PrintStream(err, true, StandardCharsets.UTF_8), "entropy");
        bar.onProgress(at("tridiagonal", 0.5, 1.5, 0, 0));
        bar.exitHook().run();
        assertTrue(err.toString(StandardCharsets.UTF_8).endsWith("\r\033[K"), "cleared by the hook");
        bar.close();
        assertTrue(!Runtime.getRuntime().removeShutdownHook(bar.exitHook()), "closed: no hook left behind");
    }
}
