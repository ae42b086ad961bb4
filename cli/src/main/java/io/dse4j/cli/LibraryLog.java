package io.dse4j.cli;

import java.io.PrintStream;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The library's log records as the command shows them: one line each on stderr, "dse4j: warning: MESSAGE" (or
 * "dse4j: error: …"), instead of java.util.logging's two-line default with a time stamp and the class name.
 * Below WARNING nothing is shown: the INFO line about the backend selection would repeat the report's first line.
 * {@code DSE4J_DEBUG} set shows every record, down to the reasons the library logs at DEBUG.
 */
final class LibraryLog {

    /** Held so that the configuration is not garbage-collected with a weakly referenced logger. */
    private static final Logger LOGGER = Logger.getLogger("io.dse4j");

    private LibraryLog() {
    }

    /** Sends logger "io.dse4j" (and its children) to {@code err}, one line a record, at {@code level} and above. */
    static Handler install(PrintStream err, Level level) {
        for (Handler old : LOGGER.getHandlers()) {
            if (old instanceof Line) {
                LOGGER.removeHandler(old);
            }
        }
        Line handler = new Line(err);
        handler.setLevel(level);
        LOGGER.setLevel(level);
        LOGGER.setUseParentHandlers(false);
        LOGGER.addHandler(handler);
        return handler;
    }

    /** Writes each record with {@link OneLine}, flushed at once (stderr is read by people, not batched). */
    private static final class Line extends Handler {
        private final PrintStream err;

        Line(PrintStream err) {
            this.err = err;
            setFormatter(new OneLine());
        }

        @Override
        public void publish(LogRecord record) {
            if (isLoggable(record)) {
                err.print(getFormatter().format(record));
                err.flush();
            }
        }

        @Override
        public void flush() {
            err.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }

    /** "dse4j: warning: MESSAGE\n": the level in lower case, the message on one line, a thrown exception appended. */
    static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord record) {
            String message = formatMessage(record);
            if (message == null) {
                message = "";
            }
            // The library's messages start with "dse4j: " themselves.
            if (message.startsWith("dse4j: ")) {
                message = message.substring("dse4j: ".length());
            }
            if (record.getThrown() != null) {
                message += " (" + record.getThrown() + ")";
            }
            message = message.strip().replaceAll("\\s*\\R\\s*", " ");
            return "dse4j: " + label(record.getLevel()) + ": " + message + System.lineSeparator();
        }

        private static String label(Level level) {
            int v = level.intValue();
            if (v >= Level.SEVERE.intValue()) {
                return "error";
            }
            if (v >= Level.WARNING.intValue()) {
                return "warning";
            }
            if (v >= Level.INFO.intValue()) {
                return "info";
            }
            return "debug";
        }
    }
}
