package io.dse4j.cli;

import java.util.List;

import picocli.CommandLine.ParseResult;

/**
 * The options a measure does not use, and what it uses instead: given on the command line, each is refused naming
 * it and the measure — accepted, it would change nothing, and a user who gave it believes it did.
 *
 * @param options the options' names
 * @param why     what the measure uses instead, for the message
 */
record Ignored(List<String> options, String why) {

    /** Refuses the first of {@link #options} given on the command line (a default is not given). */
    void refuseGiven(ParseResult parsed, String measure) {
        for (String option : options) {
            if (parsed.hasMatchedOption(option)) {
                throw new UsageException(option + " has no effect on --measure " + measure + " (" + why + "); leave "
                        + "it out");
            }
        }
    }
}
