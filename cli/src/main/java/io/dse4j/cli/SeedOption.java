package io.dse4j.cli;

import picocli.CommandLine.Option;

/** {@code --seed}: the seed of every random draw a command makes. */
final class SeedOption {

    @Option(names = "--seed", paramLabel = "K", converter = Converters.Seed.class,
            description = "seed of the random draws: the subsample of larger inputs, the DSMI subsets, the probes of "
                    + "--method chebyshev and slq (default 0)")
    Long seed;

    /** The seed given, else the library's default (0). */
    long value() {
        return seed != null ? seed : io.dse4j.MeasureOptions.DEFAULT_SEED;
    }
}
