package io.dse4j.spark;

import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.Matrix;
import io.dse4j.MutualInformation;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's example as a test: the Parquet table of 3 models × 4 checkpoints × 2 layers written, read back and
 * measured — 24 rows, each equal to the core library's DSE and DSMI of that group read from the Parquet table, and
 * the training story visible: along the checkpoints DSE falls and DSMI(Z; Y) rises for every model and layer.
 */
class LayerEntropyExampleTest {

    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("dse4j-example-test")
                .config("spark.ui.enabled", "false").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void theExampleMeasuresEveryModelCheckpointAndLayer() {
        String table = dir.resolve("embeddings.parquet").toString();
        LayerEntropyExample.write(spark, table, 120, 16);
        List<Row> measures = LayerEntropyExample.run(spark, table, "cpu")
                .orderBy("model", "layer", "checkpoint").collectAsList();
        assertEquals(24, measures.size());
        Dataset<Row> embeddings = spark.read().parquet(table);
        for (Row r : measures) {
            String model = r.getString(0);
            int checkpoint = r.getInt(1);
            String layer = r.getString(2);
            // The group's rows as Spark reads the table, in that order, through the core library.
            List<Row> rows = embeddings.filter(embeddings.col("model").equalTo(model)
                    .and(embeddings.col("checkpoint").equalTo(checkpoint)).and(embeddings.col("layer").equalTo(layer)))
                    .collectAsList();
            List<double[]> z = new ArrayList<>();
            int[] labels = new int[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                List<Float> v = rows.get(i).getList(rows.get(i).fieldIndex("embedding"));
                z.add(v.stream().mapToDouble(Float::doubleValue).toArray());
                labels[i] = rows.get(i).getInt(rows.get(i).fieldIndex("label"));
            }
            Matrix points = Matrix.of(z.toArray(new double[0][]));
            try (var dse = DiffusionSpectralEntropy.builder().backend("cpu").build();
                 var mi = MutualInformation.builder().backend("cpu").build()) {
                assertEquals(dse.compute(points).entropy(), r.getDouble(r.fieldIndex("dse")), 0.0, r.toString());
                assertEquals(mi.compute(points, labels).mi(), r.getDouble(r.fieldIndex("dsmi")), 0.0, r.toString());
            }
            assertEquals(120, r.getInt(r.fieldIndex("n")));
            assertEquals(16, r.getInt(r.fieldIndex("d")));
        }
        for (int g = 0; g < 24; g += 4) {
            Row first = measures.get(g);
            Row last = measures.get(g + 3);
            assertTrue(last.getDouble(5) < first.getDouble(5) && last.getDouble(6) > first.getDouble(6),
                    "DSE falls and DSMI rises from checkpoint 0 to 3: " + first + " → " + last);
        }
    }
}
