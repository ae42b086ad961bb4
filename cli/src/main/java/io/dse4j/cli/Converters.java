package io.dse4j.cli;

import io.dse4j.Bandwidth;
import io.dse4j.BackendKind;
import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.MutualInformation;
import io.dse4j.Precision;
import io.dse4j.ReferenceKind;

import java.util.Locale;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;

/**
 * The command line's value types: what each option's text can mean, turned into the type its field holds while
 * picocli parses the command line. A converter checks the syntax, and for an integer option the range its message
 * names; whether a value suits the computation (σ &gt; 0, t ≥ 0, α ≥ 0, a known precision, backend, method or
 * measure) is the library's to say: those converters hand the text to the library's own parser, or the mixin hands
 * the value to the builder, and the library's {@link io.dse4j.InvalidInputException} is printed as it is.
 *
 * <p>A converter refuses a value with {@link BadValue}, whose message is what follows the option's name; the
 * parse-error handler ({@link Main}) puts the name in front.
 */
final class Converters {

    // \d is ASCII here; Long.parseLong alone would also take other scripts' digits (Arabic-Indic, Devanagari, …).
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");

    private Converters() {
    }

    /** A value its option cannot take; the message is what follows the option's name (" must be …" or ": …"). */
    static final class BadValue extends RuntimeException {

        private static final long serialVersionUID = 1L;

        BadValue(String afterName) {
            super(afterName, null, false, false);
        }

        /** The whole message, for the option named {@code option}. */
        String messageFor(String option) {
            return option + getMessage();
        }
    }

    /**
     * A decimal number: optional sign, digits with an optional fraction, optional exponent — the syntax the CSV
     * reader accepts (io.dse4j.io.DecimalSyntax, package-private there, so this pattern repeats it rather than
     * widening the library's API). Java-only forms (0x1p3, 10d) and NaN/Infinity are refused.
     */
    static final class Decimal implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            return decimal(value);
        }
    }

    static double decimal(String value) {
        String text = value.trim();
        if (!DECIMAL.matcher(text).matches()) {
            throw new BadValue(" must be a decimal number, got '" + value + "'");
        }
        double parsed = Double.parseDouble(text);
        if (Double.isInfinite(parsed)) {
            throw new BadValue(" must be a decimal number within the range of a double (about ±1.8e308), got '"
                    + value + "'");
        }
        return parsed;
    }

    /**
     * A whole number in [min, max]: the range the option documents, named by its message ({@code --max-n must be
     * between 2 and 2147483647, got 1}) — which the library's builders, taking an int, can neither see beyond the
     * int range nor word so.
     */
    abstract static class Whole implements ITypeConverter<Integer> {
        private final int min;
        private final int max;

        Whole(int min, int max) {
            this.min = min;
            this.max = max;
        }

        @Override
        public Integer convert(String value) {
            return (int) integer(value, min, max);
        }
    }

    /** Device ordinals. */
    static final class AtLeast0 extends Whole {
        AtLeast0() {
            super(0, Integer.MAX_VALUE);
        }
    }

    /** Counts of one or more: dimensions, neighbours, bins, repetitions. */
    static final class AtLeast1 extends Whole {
        AtLeast1() {
            super(1, Integer.MAX_VALUE);
        }
    }

    /** Counts of two or more: points, max-n, clusters. */
    static final class AtLeast2 extends Whole {
        AtLeast2() {
            super(2, Integer.MAX_VALUE);
        }
    }

    /** CPU threads: up to ForkJoinPool's limit, which the library's thread setting enforces too. */
    static final class Threads extends Whole {
        Threads() {
            super(1, 32767);
        }
    }

    /** Probe vectors of --method slq. */
    static final class Probes extends Whole {
        Probes() {
            super(4, 4096);
        }
    }

    /** Lanczos steps per probe of --method slq. */
    static final class LanczosSteps extends Whole {
        LanczosSteps() {
            super(2, 1000);
        }
    }

    /** A seed: any long. */
    static final class Seed implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return integer(value, Long.MIN_VALUE, Long.MAX_VALUE);
        }
    }

    /** A whole number in [min, max], or a {@link BadValue} naming the range. */
    static long integer(String value, long min, long max) {
        String text = value.trim();
        if (!INTEGER.matcher(text).matches()) {
            throw new BadValue(" must be an integer, got '" + value + "'");
        }
        String range = " must be between " + min + " and " + max + ", got " + text;
        long parsed;
        try {
            parsed = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new BadValue(range);    // digits only, so beyond the long range
        }
        if (parsed < min || parsed > max) {
            throw new BadValue(range);
        }
        return parsed;
    }

    /** As {@link #integer(String, long, long)}, at run time: for a range known only then. */
    static long integer(String option, String value, long min, long max) {
        try {
            return integer(value, min, max);
        } catch (BadValue bad) {
            throw new UsageException(bad.messageFor(option));
        }
    }

    /** --sigma of a single DSE: a number, {@code median} or {@code knn:K}, read by {@link Bandwidth#parse}. */
    static final class BandwidthRule implements ITypeConverter<Bandwidth> {
        @Override
        public Bandwidth convert(String value) {
            return Bandwidth.parse(value, Converters::decimal);
        }
    }

    /**
     * --sigma of a computation that compares entropies (DSMI, tracking): a number only, with the reason when a rule
     * is given.
     */
    static final class FixedSigma implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            String text = value.trim();
            if (text.equalsIgnoreCase("median") || text.toLowerCase(Locale.ROOT).startsWith("knn:")) {
                throw new BadValue(" " + text + " applies to entropy and spectrum: DSMI compares entropies at one σ, "
                        + "so give a number here (dse4j entropy --sigma " + text + " --json prints the value for your "
                        + "data)");
            }
            return decimal(value);
        }
    }

    /** --t of entropy and spectrum: {@code auto}, or a comma-separated list of decimal numbers. */
    static final class TimeList implements ITypeConverter<TimesOption.Times> {
        @Override
        public TimesOption.Times convert(String value) {
            if ("auto".equalsIgnoreCase(value.trim())) {
                return new TimesOption.Times(value, true, null);
            }
            String[] parts = value.split(",", -1);
            double[] out = new double[parts.length];
            for (int i = 0; i < parts.length; i++) {
                String text = parts[i].trim();
                if (!DECIMAL.matcher(text).matches()) {
                    throw new BadValue(" must be a comma-separated list of decimal numbers (such as 1,2,5,10), got '"
                            + value + "'");
                }
                out[i] = Double.parseDouble(text);
                if (Double.isInfinite(out[i])) {
                    throw new BadValue(": " + text + " is beyond the range of a double (about ±1.8e308)");
                }
            }
            return new TimesOption.Times(value, false, out);
        }
    }

    /** f64 (double, float64) or f32 (float, float32), as {@link Precision#parse} reads them. */
    static final class PrecisionName implements ITypeConverter<Precision> {
        @Override
        public Precision convert(String value) {
            return Precision.parse(value);
        }
    }

    /** auto, cpu or gpu, as {@link BackendKind#parse} reads them. */
    static final class BackendName implements ITypeConverter<BackendKind> {
        @Override
        public BackendKind convert(String value) {
            return BackendKind.parse(value, "backend");
        }
    }

    /** exact, chebyshev or slq. */
    static final class MethodName implements ITypeConverter<DiffusionSpectralEntropy.Method> {
        @Override
        public DiffusionSpectralEntropy.Method convert(String value) {
            return DiffusionSpectralEntropy.Method.parse(value);
        }
    }

    /** The measures of {@code mi}: {@link MutualInformation.Measure#parse}. */
    static final class MiMeasureName implements ITypeConverter<MutualInformation.Measure> {
        @Override
        public MutualInformation.Measure convert(String value) {
            return MutualInformation.Measure.parse(value);
        }
    }

    /** The measures of {@code entropy}: {@link EntropyMeasure#parse}. */
    static final class EntropyMeasureName implements ITypeConverter<EntropyMeasure> {
        @Override
        public EntropyMeasure convert(String value) {
            return EntropyMeasure.parse(value);
        }
    }

    /** auto, discrete, scalar or vector. */
    static final class ReferenceKindName implements ITypeConverter<ReferenceKind> {
        @Override
        public ReferenceKind convert(String value) {
            return ReferenceKind.parse(value);
        }
    }

    /** gaussian, adaptive:K or alpha-decay:K,A: {@link KernelOptions.Kernel#parse}. */
    static final class KernelShape implements ITypeConverter<KernelOptions.Kernel> {
        @Override
        public KernelOptions.Kernel convert(String value) {
            return KernelOptions.Kernel.parse(value);
        }
    }
}
