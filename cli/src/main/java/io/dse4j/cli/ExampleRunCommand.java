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
        description = "Write a synthetic training run to DIR (epoch_1.npy …, or epoch_1.npz … of several layers; "
                + "labels.npy, inputs.npy) to try track on.")
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
    @Option(names = "--layers", paramLabel = "L", converter = LayerCount.class, description = "layers per checkpoint "
            + "(default 1: epoch_K.npy; 2 or more: epoch_K.npz holding block1 … blockL, deeper blocks separating the "
            + "classes sooner)")
    Integer layers;

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
        int blocks = layers != null ? layers : 1;
        for (int epoch = 1; epoch <= k; epoch++) {
            // Checkpoint e lies a share (e − 1)/(K − 1) of the way from noise (scale 4) to the class centres; with
            // layers, block l of L goes min(1, share · 2l/L) of the way: the deeper half of the network separates the
            // classes sooner, the first blocks stay closer to noise.
            double a = (epoch - 1) / (double) (k - 1);
            java.util.LinkedHashMap<String, double[]> arrays = new java.util.LinkedHashMap<>();
            for (int l = 1; l <= blocks; l++) {
                double share = blocks == 1 ? a : Math.min(1, a * 2.0 * l / blocks);
                double[] z = new double[rows * dims];
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < dims; j++) {
                        z[i * dims + j] = (1 - share) * 4 * random.nextGaussian()
                                + share * (centre[i % c][j] + random.nextGaussian());
                    }
                }
                arrays.put("block" + l, z);
            }
            if (blocks == 1) {
                NpyWriter.writeDoubles(folder.resolve("epoch_" + epoch + ".npy"), arrays.get("block1"), rows, dims);
            } else {
                NpyWriter.writeNpz(folder.resolve("epoch_" + epoch + ".npz"), arrays, rows, dims);
            }
        }
        String ext = blocks == 1 ? ".npy" : ".npz";
        out.println("wrote " + k + " checkpoints (epoch_1" + ext + " … epoch_" + k + ext + ", " + (blocks == 1 ? ""
                : blocks + " layers block1 … block" + blocks + " of ") + rows + " × " + dims + "), labels.npy ("
                + c + " classes) and inputs.npy (" + rows + " × 3) to " + folder);
        out.println("try: ./dse4j track --checkpoints '" + folder + "/epoch_*" + ext + "'" + (blocks == 1 ? ""
                : " --layers all") + " --labels " + folder + "/labels.npy --inputs " + folder + "/inputs.npy --out "
                + folder + "/dse.csv --plot " + folder + "/dse.png");
        return 0;
    }

    static final class LayerCount extends Converters.Whole {
        LayerCount() {
            super(1, 1000);
        }
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
