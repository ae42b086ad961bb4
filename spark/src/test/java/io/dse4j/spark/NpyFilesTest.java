package io.dse4j.spark;

import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.InvalidInputException;
import io.dse4j.io.MatrixFiles;
import io.dse4j.io.NpyWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One .npy file per group through Spark's binaryFile source: each file's DSE equals the core library's on the file;
 * a corrupt file fails the job naming its path; two files in one group are refused before any work.
 */
class NpyFilesTest {

    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("dse4j-npy-test")
                .config("spark.ui.enabled", "false").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private void write(String name, int n, int d, long seed) throws IOException {
        Random random = new Random(seed);
        double[] values = new double[n * d];
        for (int i = 0; i < values.length; i++) {
            values[i] = 2 * random.nextGaussian();
        }
        NpyWriter.writeDoubles(dir.resolve(name), values, n, d);
    }

    @Test
    void eachFileIsOneGroupEqualToTheCoreLibrarysResult() throws IOException {
        write("layer1.npy", 60, 5, 1);
        write("layer2.npy", 45, 8, 2);
        write("layer3.npy", 30, 3, 3);
        List<Row> result = Dse4jSpark.entropy(spark.read().format("binaryFile").load(dir + "/*.npy"))
                .groupBy("path").vectors("content").sigma(3).backend("cpu").run().collectAsList();
        assertEquals(3, result.size());
        for (Row r : result) {
            Path file = Path.of(java.net.URI.create(r.getString(0)));
            try (var dse = DiffusionSpectralEntropy.builder().sigma(3).backend("cpu").build()) {
                assertEquals(dse.compute(MatrixFiles.read(file)).entropy(), r.getDouble(r.fieldIndex("dse")), 0.0,
                        file.toString());
            }
            assertEquals(MatrixFiles.read(file).cols(), r.getInt(r.fieldIndex("d")));
        }
    }

    @Test
    void aCorruptFileFailsTheJobNamingIt() throws IOException {
        write("good.npy", 20, 3, 4);
        byte[] good = Files.readAllBytes(dir.resolve("good.npy"));
        Files.write(dir.resolve("cut.npy"), java.util.Arrays.copyOf(good, good.length - 8));
        InvalidInputException cut = assertThrows(InvalidInputException.class, () -> Dse4jSpark.entropy(
                spark.read().format("binaryFile").load(dir + "/*.npy")).groupBy("path").vectors("content").run());
        assertTrue(cut.getMessage().contains("cut.npy") && cut.getMessage().contains("(truncated)"),
                cut.getMessage());
        InvalidInputException twoFiles = assertThrows(InvalidInputException.class, () -> Dse4jSpark.entropy(
                spark.read().format("binaryFile").load(dir + "/*.npy").withColumn("run",
                        org.apache.spark.sql.functions.lit("r1"))).groupBy("run").vectors("content").run());
        assertTrue(twoFiles.getMessage().contains("group (run = r1) has 2 .npy files in 'content'; with a binary "
                + "column each group is one file"), twoFiles.getMessage());
    }
}
