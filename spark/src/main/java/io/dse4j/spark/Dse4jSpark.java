package io.dse4j.spark;

import io.dse4j.InvalidInputException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * dse4j's measures per group of a Spark table, one group per task:
 *
 * <pre>{@code
 * Dataset<Row> dse = Dse4jSpark.entropy(table).groupBy("model", "layer").vectors("embedding").sigma(10).run();
 * Dataset<Row> mi = Dse4jSpark.mutualInformation(table).groupBy("model", "layer").vectors("embedding")
 *         .labels("label").run();
 * Dataset<Row> files = Dse4jSpark.entropy(spark.read().format("binaryFile").load("embeddings/*.npy"))
 *         .groupBy("path").vectors("content").run();                 // one .npy file per group
 * }</pre>
 *
 * <p>Each group's rows, in the table's order, are the points of one computation of the core library — the same
 * subsample beyond maxN, with the same seed — so a group's result equals {@code DiffusionSpectralEntropy.compute}
 * (or {@code MutualInformation.compute}) on those rows, bit for bit on the CPU. On executors with GPUs, each task
 * computes on the GPU Spark assigned it ({@code spark.task.resource.gpu.amount}).
 */
public final class Dse4jSpark {

    private Dse4jSpark() {
    }

    /** DSE per group of {@code table} (see {@link EntropyJob}). */
    public static EntropyJob entropy(Dataset<Row> table) {
        return new EntropyJob(checked(table));
    }

    /** DSMI(Z; Y) per group of {@code table}, Y a label column (see {@link MutualInformationJob}). */
    public static MutualInformationJob mutualInformation(Dataset<Row> table) {
        return new MutualInformationJob(checked(table));
    }

    private static Dataset<Row> checked(Dataset<Row> table) {
        if (table == null) {
            throw new InvalidInputException("table", "must not be null");
        }
        return table;
    }
}
