package io.dse4j.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The options given to one command, by name, with typed getters whose errors name the option and say what is allowed.
 * picocli parses the command line and declares the options (help, completion); the values are checked here, so every
 * command states its ranges in one place and the messages stay those the command-line contract pins down.
 */
final class Options {

    // \d is ASCII here; Long.parseLong alone would also take other scripts' digits (Arabic-Indic, Devanagari, …).
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");

    private final Map<String, String> values = new LinkedHashMap<>();

    private Options() {
    }

    /** The options matched on the command line of the command that {@code parsed} describes. */
    static Options of(picocli.CommandLine.ParseResult parsed) {
        Options options = new Options();
        for (picocli.CommandLine.Model.OptionSpec option : parsed.matchedOptions()) {
            List<String> given = option.stringValues();
            options.put(option.longestName(), option.arity().max() == 0 || given.isEmpty() ? "true"
                    : given.get(given.size() - 1));
        }
        return options;
    }

    private void put(String name, String value) {
        if (values.put(name, value) != null) {
            throw new UsageException(name + " is given more than once");
        }
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    /**
     * Refuses the first of {@code ignored} that was given on the command line (a default is not given), naming it and
     * the measure: an option a measure does not use would otherwise be accepted and change nothing, and a user who
     * gave it believes it did.
     *
     * @param why what the measure uses instead, for the message
     */
    void refuseIgnored(List<String> ignored, String measure, String why) {
        for (String option : ignored) {
            if (has(option)) {
                throw new UsageException(option + " has no effect on --measure " + measure + " (" + why + "); leave "
                        + "it out");
            }
        }
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /**
     * A decimal number: optional sign, digits with an optional fraction, optional exponent — the syntax the CSV
     * reader accepts (io.dse4j.io.DecimalSyntax, package-private there, so this pattern repeats it rather than
     * widening the library's API). Java-only forms (0x1p3, 10d) and NaN/Infinity are refused.
     */
    double number(String name, double fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        String text = v.trim();
        if (!DECIMAL.matcher(text).matches()) {
            throw new UsageException(name + " must be a decimal number, got '" + v + "'");
        }
        double parsed = Double.parseDouble(text);
        if (Double.isInfinite(parsed)) {
            throw new UsageException(name + " must be a decimal number within the range of a double (about "
                    + "±1.8e308), got '" + v + "'");
        }
        return parsed;
    }

    /**
     * A comma-separated list of decimal numbers, each as {@link #number} takes it (a list of one is one number);
     * {@code fallback} when the option is absent.
     */
    double[] numbers(String name, double... fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback.clone();
        }
        String[] parts = v.split(",", -1);
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String text = parts[i].trim();
            if (!DECIMAL.matcher(text).matches()) {
                throw new UsageException(name + " must be a comma-separated list of decimal numbers (such as 1,2,5,10),"
                        + " got '" + v + "'");
            }
            out[i] = Double.parseDouble(text);
            if (Double.isInfinite(out[i])) {
                throw new UsageException(name + ": " + text + " is beyond the range of a double (about ±1.8e308)");
            }
        }
        return out;
    }

    /** --sigma of a single DSE: a number, {@code median} or {@code knn:K} ({@link io.dse4j.Bandwidth}). */
    io.dse4j.Bandwidth bandwidth(String name, double fallback) {
        String v = values.get(name);
        return v == null ? io.dse4j.Bandwidth.of(fallback) : io.dse4j.Bandwidth.parse(v, text -> number(name, 0));
    }

    /**
     * --sigma of a computation that compares entropies (DSMI, tracking): a number only, with the reason when a rule
     * is given.
     */
    double fixedSigma(String name, double fallback) {
        String v = values.get(name);
        if (v != null && (v.trim().equalsIgnoreCase("median") || v.trim().toLowerCase(java.util.Locale.ROOT)
                .startsWith("knn:"))) {
            throw new UsageException(name + " " + v.trim() + " applies to entropy and spectrum: DSMI compares "
                    + "entropies at one σ, so give a number here (dse4j entropy --sigma " + v.trim() + " --json prints "
                    + "the value for your data)");
        }
        return number(name, fallback);
    }

    /** A whole number of the long range (seeds). */
    long integer(String name, long fallback) {
        return integerBetween(name, fallback, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** A whole number in [min, max]; {@code fallback} when the option is absent (and only then). */
    int intValue(String name, int fallback, int min, int max) {
        return (int) integerBetween(name, fallback, min, max);
    }

    private long integerBetween(String name, long fallback, long min, long max) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        String text = v.trim();
        if (!INTEGER.matcher(text).matches()) {
            throw new UsageException(name + " must be an integer, got '" + v + "'");
        }
        String range = name + " must be between " + min + " and " + max + ", got " + text;
        long parsed;
        try {
            parsed = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new UsageException(range);    // digits only, so beyond the long range
        }
        if (parsed < min || parsed > max) {
            throw new UsageException(range);
        }
        return parsed;
    }
}
