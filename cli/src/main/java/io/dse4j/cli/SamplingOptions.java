package io.dse4j.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which rows are measured: {@code --max-n} and the {@code --seed} of the subsample beyond it. */
final class SamplingOptions {

    @Option(names = "--max-n", paramLabel = "M", converter = Converters.AtLeast2.class,
            description = "inputs with more rows are measured on a seeded subsample of M rows, the same rows for "
                    + "every input of that size (default 10000)")
    Integer maxN;
    @Mixin
    SeedOption seed;

    /** The most rows used: the --max-n given, else the library's default. */
    int maxN() {
        return maxN != null ? maxN : io.dse4j.MeasureOptions.DEFAULT_MAX_N;
    }

    long seed() {
        return seed.value();
    }

    /** Passes the rows' maximum and seed to any measure's builder. */
    <B extends io.dse4j.OptionSetters<B>> B applyTo(B builder) {
        return builder.maxN(maxN()).seed(seed());
    }
}
