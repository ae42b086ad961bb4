package io.dse4j.cli;

import io.dse4j.io.NpyWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dse4j example-run DIR}: a synthetic training run to try {@code track} on — checkpoints whose representations
 * move from isotropic noise to well-separated class clusters (the shape of a network that learns its labels), their
 * labels, and inputs whose spectral clusters are the classes.
 */
@Command(name = "example-run", mixinStandardHelpOptions = true, versionProvider = Main.VersionText.class,
        sortOptions = false,
        description = "Write a synthetic training run to DIR (epoch_1.npy …, labels.npy, inputs.npy) to try track on.")
final class ExampleRunCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "the folder to write (created; its files are replaced)")
    Path folder;
    @Option(names = "--checkpoints", paramLabel = "K", converter = CheckpointCount.class,
            description = "checkpoints, 2 or more (default 12)")
    Integer checkpoints;
    @Option(names = "--n", paramLabel = "N", converter = InputCount.class,
            description = "inputs (rows of every checkpoint; default 500)")
    Integer n;
    @Option(names = "--d", paramLabel = "D", converter = Dimensions.class,
            description = "dimensions of the representations (default 32)")
    Integer d;
    @Option(names = "--classes", paramLabel = "C", description = "classes, 2 or more (default 4)")
    String classes;
    @Option(names = "--seed", paramLabel = "S", converter = Converters.Seed.class, description = "seed (default 0)")
    Long seed;

    private final PrintStream out;

    ExampleRunCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws IOException {
        int k = checkpoints != null ? checkpoints : 12;
        int rows = n != null ? n : 500;
        int dims = d != null ? d : 32;
        // At most one class per input: a range known only once --n is.
        int c = classes != null ? (int) Converters.integer("--classes", classes, 2, rows) : 4;
        long s = seed != null ? seed : 0;
        if ((long) rows * dims > 100_000_000L) {
            throw new UsageException("--n × --d must be at most 100000000 values per checkpoint, got "
                    + (long) rows * dims);
        }
        Files.createDirectories(folder);
        Random random = new Random(s);
        double[][] centre = new double[c][dims];
        for (double[] row : centre) {
            for (int j = 0; j < dims; j++) {
                row[j] = 6 * random.nextGaussian();
            }
        }
        long[] labels = new long[rows];
        double[] inputs = new double[rows * 3];
        for (int i = 0; i < rows; i++) {
            labels[i] = i % c;
            for (int j = 0; j < 3; j++) {
                inputs[3 * i + j] = (j == 0 ? 4.0 * (i % c) : 0) + random.nextGaussian();
            }
        }
        NpyWriter.writeLongs(folder.resolve("labels.npy"), labels, rows);
        NpyWriter.writeDoubles(folder.resolve("inputs.npy"), inputs, rows, 3);
        for (int epoch = 1; epoch <= k; epoch++) {
            // Checkpoint e lies a share (e − 1)/(K − 1) of the way from noise (scale 4) to the class centres.
            double a = (epoch - 1) / (double) (k - 1);
            double[] z = new double[rows * dims];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < dims; j++) {
                    z[i * dims + j] = (1 - a) * 4 * random.nextGaussian()
                            + a * (centre[i % c][j] + random.nextGaussian());
                }
            }
            NpyWriter.writeDoubles(folder.resolve("epoch_" + epoch + ".npy"), z, rows, dims);
        }
        out.println("wrote " + k + " checkpoints (epoch_1.npy … epoch_" + k + ".npy, " + rows + " × " + dims
                + "), labels.npy (" + c + " classes) and inputs.npy (" + rows + " × 3) to " + folder);
        out.println("try: ./dse4j track --checkpoints '" + folder + "/epoch_*.npy' --labels " + folder
                + "/labels.npy --inputs " + folder + "/inputs.npy --out " + folder + "/dse.csv --plot " + folder
                + "/dse.png");
        return 0;
    }

    static final class CheckpointCount extends Converters.Whole {
        CheckpointCount() {
            super(2, 100_000);
        }
    }

    static final class InputCount extends Converters.Whole {
        InputCount() {
            super(2, 1_000_000);
        }
    }

    static final class Dimensions extends Converters.Whole {
        Dimensions() {
            super(1, 100_000);
        }
    }
}
