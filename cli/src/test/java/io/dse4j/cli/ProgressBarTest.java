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

    @Test
    void aLineShowsTheBarTheShareTheStageAndTheTimes() {
        ProgressBar bar = ProgressBar.always(new PrintStream(new ByteArrayOutputStream()), "entropy");
        assertEquals("entropy [#######.....................]  25%  band  3.0 s, ~9.0 s left",
                bar.line(at("band", 0.25, 3, 0, 0)));
        assertEquals("entropy [##############..............]  50%  30/60  1m35s, ~1m35s left",
                bar.line(at("batch", 0.5, 95, 30, 60)));
        assertTrue(bar.line(at("distances", 0.001, 1.5, 0, 0)).endsWith("distances  1.5 s"),
                "no estimate while too little is done");
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
}
