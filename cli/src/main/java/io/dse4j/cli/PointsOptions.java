package io.dse4j.cli;

import io.dse4j.Matrix;
import io.dse4j.io.MatrixFile;
import io.dse4j.io.MatrixFiles;

import java.io.IOException;
import java.nio.file.Path;

import picocli.CommandLine.Option;

/** The points of {@code entropy} and {@code spectrum}: a file, or a built-in example with its size. */
final class PointsOptions {

    @Option(names = "--input", paramLabel = "FILE",
            description = "points, one per row: .npy, .npz or .safetensors (--key NAME picks the array), "
                    + ".csv/.tsv/.txt")
    Path input;
    @Option(names = "--key", paramLabel = "NAME",
            description = "the array of an .npz or the tensor of a .safetensors file to read")
    String key;
    @Option(names = "--example", paramLabel = "NAME", completionCandidates = ExampleData.Names.class,
            description = "built-in data: ${COMPLETION-CANDIDATES} (--n points, --d dimensions, --example-seed S)")
    String example;
    @Option(names = "--n", paramLabel = "N", converter = Converters.AtLeast2.class,
            description = "points of the example (default 1000)")
    Integer n;
    @Option(names = "--d", paramLabel = "D", converter = Converters.AtLeast1.class,
            description = "dimensions of the example (default: the example's own)")
    Integer d;
    @Option(names = "--example-seed", paramLabel = "S", converter = Converters.Seed.class,
            description = "seed of the example (default 0)")
    Long exampleSeed;

    /** The points that --input (its header read, no data yet) or --example (generated) names. */
    Input input() throws IOException {
        if ((input != null) == (example != null)) {
            throw new UsageException("give exactly one of --input FILE or --example NAME");
        }
        if (input != null) {
            if (n != null || d != null || exampleSeed != null) {
                throw new UsageException("--n, --d and --example-seed apply to --example only");
            }
            // Only the header now: each measure reads just the rows it uses (a subsample beyond --max-n).
            return new Input(input.toString(), MatrixFiles.open(input, key), null);
        }
        if (key != null) {
            throw new UsageException("--key applies to --input FILE.npz or FILE.safetensors only");
        }
        // The defaults apply only when an option is absent: an explicit --d 0 is an error, not "default".
        return new Input("example:" + example, null, ExampleData.generate(example,
                n != null ? n : ExampleData.DEFAULT_N, d != null ? d : ExampleData.defaultDims(example),
                exampleSeed != null ? exampleSeed : 0));
    }

    /** The points: a file (only its header read so far) or a generated example in memory. */
    record Input(String source, MatrixFile file, Matrix matrix) {
        int rows() {
            return file != null ? file.rows() : matrix.rows();
        }

        int cols() {
            return file != null ? file.cols() : matrix.cols();
        }
    }
}
