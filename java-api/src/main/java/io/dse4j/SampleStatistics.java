package io.dse4j;

/** The mean and sample standard deviation of repeated estimates (a DSMI's random subsets), written once. */
final class SampleStatistics {

    private SampleStatistics() {
    }

    /** The mean, of a compensated sum ({@link java.util.stream.DoubleStream#sum()}). */
    static double mean(double[] values) {
        return java.util.Arrays.stream(values).sum() / values.length;
    }

    /** The sample standard deviation (ddof 1, as numpy's {@code std(ddof=1)}); NaN for fewer than two values. */
    static double standardDeviation(double[] values) {
        if (values.length < 2) {
            return Double.NaN;
        }
        double mean = mean(values);
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return Math.sqrt(squares / (values.length - 1));
    }
}
