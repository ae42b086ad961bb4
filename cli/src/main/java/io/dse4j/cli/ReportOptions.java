package io.dse4j.cli;

import java.io.PrintStream;

import picocli.CommandLine.Option;

/** How a computing command reports: {@code --json} (JSON — one object, or one per line for track's rows — and no progress bar) and {@code --quiet}. */
final class ReportOptions {

    @Option(names = "--json", description = "print JSON instead of the report, and no progress bar: one object "
            + "(track: a line of one object per row, as each is computed)")
    boolean json;
    @Option(names = "--quiet", description = "no progress bar (one is drawn on stderr, when it is a terminal, "
            + "for work longer than a second)")
    boolean quiet;

    /** The progress bar of {@code what} on {@code err}'s terminal, or null when none is drawn. */
    ProgressBar progressBar(PrintStream err, String what) {
        return ProgressBar.forTerminal(err, what, json, quiet);
    }

    /** The reporter that writes the command's results to {@code out}, as JSON or as text. */
    Reporter reporter(PrintStream out) {
        return new Reporter(out, json);
    }
}
