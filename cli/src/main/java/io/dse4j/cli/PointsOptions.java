package io.dse4j.cli;

import picocli.CommandLine.Option;

/**
 * The options that name the points of {@code entropy} and {@code spectrum}: a file, or a built-in example with its
 * size. Declared here for picocli; {@link EntropyCommand#input(Options)} reads and checks them.
 */
final class PointsOptions {
    @Option(names = "--input", paramLabel = "FILE",
            description = "points, one per row: .npy, .npz or .safetensors (--key NAME picks the array), "
                    + ".csv/.tsv/.txt")
    String input;
    @Option(names = "--key", paramLabel = "NAME", description = "the array of an .npz or the tensor of a .safetensors file to read")
    String key;
    @Option(names = "--example", paramLabel = "NAME", completionCandidates = ExampleData.Names.class,
            description = "built-in data: ${COMPLETION-CANDIDATES} (--n points, --d dimensions, --example-seed S)")
    String example;
    @Option(names = "--n", paramLabel = "N", description = "points of the example (default 1000)")
    String n;
    @Option(names = "--d", paramLabel = "D", description = "dimensions of the example (default: the example's own)")
    String d;
    @Option(names = "--example-seed", paramLabel = "S", description = "seed of the example (default 0)")
    String exampleSeed;
}
