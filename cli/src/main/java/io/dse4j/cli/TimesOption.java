package io.dse4j.cli;

import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.InvalidInputException;

import java.util.HashSet;
import java.util.Set;

import picocli.CommandLine.Option;

/**
 * The diffusion time of {@code entropy} and {@code spectrum}: one t, a list of them (each gets its DSE from the one
 * decomposition), or {@code auto} (entropy: {@link io.dse4j.Spectrum#autoTime()}).
 */
final class TimesOption {

    @Option(names = "--t", paramLabel = "T", converter = Converters.TimeList.class,
            description = "diffusion time, a real ≥ 0 (default 1); a list (1,2,5,10) gives the DSE at each from one "
                    + "decomposition; auto (entropy): the smallest integer t at which at most 1 %% of the powered "
                    + "eigenvalues stay above 0.01")
    Times t;

    /** The times given, else the reference's t alone. */
    Times times() {
        return t != null ? t : new Times("1", false, new double[] {io.dse4j.MeasureOptions.DEFAULT_T});
    }

    /**
     * entropy: sets the builder's t — the first of a list, or auto. Every time of a list goes through the builder's
     * check first, so that a bad time late in the list is refused before any work.
     */
    Times applyTo(DiffusionSpectralEntropy.Builder builder) {
        Times times = times();
        if (times.auto()) {
            builder.autoTime();
            return times;
        }
        for (double time : times.values()) {
            builder.t(time);
        }
        builder.t(times.values()[0]);
        return times;
    }

    /**
     * spectrum: the times of the list, each once, checked by the builder (which then holds the first); auto, which
     * needs a result to choose from, is entropy's.
     */
    double[] listTo(DiffusionSpectralEntropy.Builder builder) {
        Times times = times();
        if (times.auto()) {
            throw new UsageException("--t must be a comma-separated list of decimal numbers (such as 1,2,5,10), got '"
                    + times.text() + "'");
        }
        Set<Double> seen = new HashSet<>();
        for (double time : times.values()) {
            try {
                builder.t(time);
            } catch (InvalidInputException e) {
                throw new UsageException("--t: every diffusion time must be ≥ 0, got " + Reporter.trim(time));
            }
            if (!seen.add(time)) {
                throw new UsageException("--t lists " + Reporter.trim(time) + " twice; give each time once");
            }
        }
        builder.t(times.values()[0]);
        return times.values();
    }

    /**
     * The --t of a DSE: auto, or one time or a list (the first is the result's t).
     *
     * @param text   the option's text, for messages
     * @param values the times, or null for auto
     */
    record Times(String text, boolean auto, double[] values) {
    }
}
