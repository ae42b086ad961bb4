package io.dse4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * The library's own records carry no "dse4j:" of their own — the logger's name says where they come from, and a
     * log4j layout (Spark's) prints it: with the prefix in the message too, Spark showed "WARN dse4j: dse4j: …".
     */
    @Test
    void theLibrarysMessagesDoNotRepeatItsName() {
        java.util.List<String> messages = new java.util.ArrayList<>();
        installed = new Handler() {
            @Override
            public void publish(LogRecord record) {
                messages.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("io.dse4j");
        logger.setLevel(Level.ALL);
        logger.addHandler(installed);
        double[][] points = new double[60][3];
        java.util.Random random = new java.util.Random(4);
        for (double[] p : points) {
            for (int j = 0; j < 3; j++) {
                p[j] = random.nextGaussian();
            }
        }
        try (io.dse4j.DiffusionSpectralEntropy tiny = io.dse4j.DiffusionSpectralEntropy.builder().sigma(0.001)
                .build()) {
            tiny.compute(points);
        }
        assertTrue(messages.stream().anyMatch(m -> m.startsWith("the kernel is nearly the identity")), messages
                .toString());
        assertTrue(messages.stream().noneMatch(m -> m.startsWith("dse4j")), messages.toString());
    }
}
