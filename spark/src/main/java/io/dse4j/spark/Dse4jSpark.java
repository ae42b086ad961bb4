package io.dse4j.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * dse4j's measures per group of a Spark table, one group per task:
 *
 * <pre>{@code
 * Dataset<Row> dse = Dse4jSpark.entropy(table).groupBy("model", "layer").vectors("embedding").sigma(10).run();
 * }</pre>
 *
 * <p>Each group's rows, in the table's order, are the points of one computation of the core library — the same
 * subsample beyond maxN, with the same seed — so a group's result equals {@code DiffusionSpectralEntropy.compute}
 * on those rows, bit for bit on the CPU.
 */
public final class Dse4jSpark {

    private Dse4jSpark() {
    }

    /** DSE per group of {@code table} (see {@link EntropyJob}). */
    public static EntropyJob entropy(Dataset<Row> table) {
        if (table == null) {
            throw new io.dse4j.InvalidInputException("table", "must not be null");
        }
        return new EntropyJob(table);
    }
}
