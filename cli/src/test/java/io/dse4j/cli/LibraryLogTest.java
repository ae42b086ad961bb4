package io.dse4j.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The library's log records on the command's stderr: one line each, "dse4j: warning: …", nothing below WARNING. */
class LibraryLogTest {

    private Handler installed;

    @AfterEach
    void uninstall() {
        Logger logger = Logger.getLogger("io.dse4j");
        logger.removeHandler(installed);
        logger.setUseParentHandlers(true);
        logger.setLevel(null);
    }

    @Test
    void warningsAreOneCompactLineAndInfoIsSilent() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        installed = LibraryLog.install(err, Level.WARNING);
        // Through System.Logger, as the library logs.
        System.Logger library = System.getLogger("io.dse4j");
        library.log(System.Logger.Level.INFO, "dse4j: no NVIDIA driver found; using the CPU backend");
        library.log(System.Logger.Level.WARNING, "dse4j: column 0 looks like a pandas index; dropped");
        System.getLogger("io.dse4j.io").log(System.Logger.Level.WARNING, "a child logger's\nwarning");
        library.log(System.Logger.Level.ERROR, "broken", new IllegalStateException("why"));
        String nl = System.lineSeparator();
        assertEquals("dse4j: warning: column 0 looks like a pandas index; dropped" + nl
                + "dse4j: warning: a child logger's warning" + nl
                + "dse4j: error: broken (java.lang.IllegalStateException: why)" + nl,
                bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void debugShowsEverything() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        installed = LibraryLog.install(new PrintStream(bytes, true, StandardCharsets.UTF_8), Level.ALL);
        System.getLogger("io.dse4j").log(System.Logger.Level.DEBUG, "dse4j: backend cpu (requested auto …)");
        assertEquals("dse4j: debug: backend cpu (requested auto …)" + System.lineSeparator(),
                bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void formatterKeepsMessagesWithoutThePrefix() {
        LogRecord record = new LogRecord(Level.WARNING, "class {0} has a single row; skipped");
        record.setParameters(new Object[] {7});
        assertEquals("dse4j: warning: class 7 has a single row; skipped" + System.lineSeparator(),
                new LibraryLog.OneLine().format(record));
    }
}
