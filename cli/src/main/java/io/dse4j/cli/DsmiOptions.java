package io.dse4j.cli;

import io.dse4j.OptionSetters;

import picocli.CommandLine.Option;

/**
 * The options of a DSMI — the σ and t its entropies share, the random subsets per class and the clusters of a
 * reference that is not labels — for {@code mi} and {@code track}. An option left out is not passed on: the
 * builder's default applies.
 */
final class DsmiOptions {

    @Option(names = "--sigma", paramLabel = "S", converter = Converters.FixedSigma.class,
            description = "Gaussian kernel bandwidth, a number (default 10): DSMI compares entropies at one σ")
    Double sigma;
    @Option(names = "--t", paramLabel = "T", converter = Converters.Decimal.class,
            description = "diffusion time, a real ≥ 0 (default 1)")
    Double t;
    @Option(names = "--repetitions", paramLabel = "R", converter = Converters.AtLeast1.class,
            description = "random subsets per class (default 5); their spread gives the DSMIs' error bars")
    Integer repetitions;
    @Option(names = "--clusters", paramLabel = "C", converter = Converters.AtLeast2.class,
            description = "classes of a reference that is not labels: bins of a scalar, spectral clusters of vectors "
                    + "(track: of --inputs X) (default 10)")
    Integer clusters;

    /** The clusters given, else the library's default. */
    int clusters() {
        return clusters != null ? clusters : io.dse4j.MeasureOptions.DEFAULT_CLUSTERS;
    }

    /** Passes the options given to a DSMI's builder (the mutual information's, or the tracker's). */
    <B extends OptionSetters<B>> B applyTo(B builder) {
        if (sigma != null) {
            builder.sigma(sigma);
        }
        if (t != null) {
            builder.t(t);
        }
        if (repetitions != null) {
            builder.repetitions(repetitions);
        }
        if (clusters != null) {
            builder.clusters(clusters);
        }
        return builder;
    }
}
