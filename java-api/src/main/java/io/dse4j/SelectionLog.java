package io.dse4j;

import io.dse4j.spi.BackendResolver;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The log lines of an {@code auto} selection: one short sentence at INFO for the first selection ("no NVIDIA
 * driver found; using the CPU backend (…)"), at DEBUG for every later one, and the full selection with every reason
 * at DEBUG each time. Explicit {@code cpu} and {@code gpu} selections log nothing: the caller asked for them.
 * {@link #JVM} is the JVM's, on {@code System.Logger} "io.dse4j". Messages carry no "dse4j:" of their own: the
 * logger's name says where they come from (a log4j layout prints it, {@code WARN dse4j: …}; the command line's
 * handler writes "dse4j: warning: …").
 */
final class SelectionLog {

    /** The one of this JVM: its first auto selection is the one logged at INFO. */
    static final SelectionLog JVM = new SelectionLog(System.getLogger("io.dse4j"));

    private final System.Logger log;
    private final AtomicBoolean announced = new AtomicBoolean();

    SelectionLog(System.Logger log) {
        this.log = log;
    }

    /** Logs the selection {@code resolution} led to ({@code selection}: as opened, which may name the stand-in). */
    void announce(BackendResolver.Resolution resolution, BackendSelection selection) {
        if (selection.requested() != BackendKind.AUTO) {
            return;
        }
        String sentence = resolution.notice() != null ? resolution.notice() : selection.describe();
        Level level = announced.compareAndSet(false, true) ? Level.INFO : Level.DEBUG;
        log.log(level, sentence);
        if (!selection.reasons().isEmpty()) {
            log.log(Level.DEBUG, selection.describe());
        }
    }
}
