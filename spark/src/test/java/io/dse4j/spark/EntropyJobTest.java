package io.dse4j.spark;

import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.InvalidInputException;
import io.dse4j.Matrix;
import io.dse4j.Spectrum;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DSE per group on Spark (local[2]): every group's result equals the core library's on the same rows in the table's
 * order, bit for bit, one task per group; bad tables are refused naming the column and the group.
 */
class EntropyJobTest {

    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("dse4j-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static final StructType SCHEMA = DataTypes.createStructType(List.of(
            DataTypes.createStructField("model", DataTypes.StringType, false),
            DataTypes.createStructField("layer", DataTypes.IntegerType, false),
            DataTypes.createStructField("embedding", DataTypes.createArrayType(DataTypes.DoubleType), true)));

    /** 3 models × 2 layers, groups of 20–70 rows of 5 values, interleaved in the table. */
    static List<Row> rows(long seed) {
        Random random = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            String model = "m" + (i % 3);
            int layer = (i / 3) % 2;
            if (i % 7 == 0 && model.equals("m2")) {
                continue;   // uneven group sizes
            }
            double[] v = new double[5];
            for (int k = 0; k < v.length; k++) {
                v[k] = (layer + 1) * 3 * random.nextGaussian() + (model.equals("m1") ? 5 : 0);
            }
            rows.add(RowFactory.create(model, layer, toList(v)));
        }
        return rows;
    }

    private static List<Double> toList(double[] v) {
        List<Double> out = new ArrayList<>();
        for (double x : v) {
            out.add(x);
        }
        return out;
    }

    @Test
    void everyGroupEqualsTheCoreLibrarysResult() {
        List<Row> rows = rows(1);
        Dataset<Row> table = spark.createDataFrame(rows, SCHEMA).repartition(3);
        List<Row> result = Dse4jSpark.entropy(table).groupBy("model", "layer").vectors("embedding").sigma(4).maxN(40)
                .backend("cpu").run().collectAsList();
        assertEquals(6, result.size());
        // Each group's rows in the table's order: the order in which the (repartitioned) table itself is read.
        List<Row> ordered = table.collectAsList();
        for (Row r : result) {
            String model = r.getString(0);
            int layer = r.getInt(1);
            List<double[]> points = new ArrayList<>();
            for (Row row : ordered) {
                if (row.getString(0).equals(model) && row.getInt(1) == layer) {
                    List<Double> v = row.getList(2);
                    points.add(v.stream().mapToDouble(Double::doubleValue).toArray());
                }
            }
            io.dse4j.DseResult expected;
            try (var dse = DiffusionSpectralEntropy.builder().backend("cpu").sigma(4).maxN(40).build()) {
                expected = dse.compute(Matrix.of(points.toArray(new double[0][])));
            }
            assertEquals(expected.entropy(), r.getDouble(r.fieldIndex("dse")), 0.0, model + "/" + layer);
            assertEquals(expected.warnings(), r.getList(r.fieldIndex("warnings")), model + "/" + layer);
            assertEquals(Math.min(40, points.size()), r.getInt(r.fieldIndex("n")));
            assertEquals(points.size(), r.getInt(r.fieldIndex("input_rows")));
            assertEquals(5, r.getInt(r.fieldIndex("d")));
            assertEquals("cpu", r.getString(r.fieldIndex("backend")));
            assertTrue(r.isNullAt(r.fieldIndex("device")));
        }
    }

    /** The spectrum column gives DSE at any t without recomputing: at t = 1 the row's dse, at t = 3 the core's. */
    @Test
    void theSpectrumColumnGivesTheEntropyAtAnyT() {
        Dataset<Row> table = spark.createDataFrame(rows(5), SCHEMA);
        List<Row> result = Dse4jSpark.entropy(table).groupBy("model", "layer").vectors("embedding").sigma(3)
                .backend("cpu").withSpectrum().run().collectAsList();
        List<Row> ordered = table.collectAsList();
        for (Row r : result) {
            List<Double> eigenvalues = r.getList(r.fieldIndex("spectrum"));
            Spectrum spectrum = Spectrum.of(eigenvalues.stream().mapToDouble(Double::doubleValue).toArray());
            assertEquals(r.getInt(r.fieldIndex("n")), spectrum.size());
            assertEquals(r.getDouble(r.fieldIndex("dse")), spectrum.entropy(1), 0.0);
            double[][] points = groupPoints(ordered, r.getString(0), r.getInt(1));
            try (var dse = DiffusionSpectralEntropy.builder().backend("cpu").sigma(3).t(3).build()) {
                assertEquals(dse.compute(Matrix.of(points)).entropy(), spectrum.entropy(3), 1e-12);
            }
        }
    }

    /**
     * Under auto in local mode Spark assigns no GPU: the CPU runs, and the row says why; a σ far below the points'
     * distances gives the library's degenerate-kernel warning in the row.
     */
    @Test
    void autoWithoutAssignedGpusRunsOnTheCpuAndSaysWhy() {
        Row r = Dse4jSpark.entropy(spark.createDataFrame(rows(6), SCHEMA)).groupBy("model").vectors("embedding")
                .sigma(0.01).run().first();
        List<String> warnings = r.getList(r.fieldIndex("warnings"));
        assertTrue(warnings.size() == 1 && warnings.get(0).contains("nearly the identity at σ = 0.01"),
                warnings.toString());
        assertEquals("cpu", r.getString(r.fieldIndex("backend")));
        assertTrue(r.getString(r.fieldIndex("backend_note")).startsWith("Spark assigned no GPU to this task"),
                r.getString(r.fieldIndex("backend_note")));
    }

    /**
     * Keys as Spark groups them, not as Java compares them: a null key is a group, -0.0 and 0.0 are one group, a
     * binary key groups by content; a column name with a dot is a name, not a path. Each group equals the core's.
     */
    @Test
    void keysGroupAsSparkGroupsThem() {
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("run.id", DataTypes.DoubleType, true),
                DataTypes.createStructField("tag", DataTypes.BinaryType, false),
                DataTypes.createStructField("v", DataTypes.createArrayType(DataTypes.DoubleType), false)));
        Random random = new Random(9);
        Double[] runs = {0.0, -0.0, null};
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            rows.add(RowFactory.create(runs[i % 3], new byte[] {(byte) (i % 2)},
                    List.of(random.nextGaussian(), random.nextGaussian(), 4.0 * (i % 2))));
        }
        List<Row> result = Dse4jSpark.entropy(spark.createDataFrame(rows, schema)).groupBy("run.id", "tag")
                .vectors("v").sigma(2).backend("cpu").run().collectAsList();
        assertEquals(4, result.size(), "runs {0.0 = -0.0, null} × tags {0, 1}: " + result);
        for (Row r : result) {
            List<double[]> points = new ArrayList<>();
            for (Row row : rows) {
                Double run = (Double) row.get(0);
                boolean sameRun = r.isNullAt(0) ? run == null : run != null && run == r.getDouble(0);
                if (sameRun && ((byte[]) row.get(1))[0] == ((byte[]) r.get(1))[0]) {
                    @SuppressWarnings("unchecked")
                    List<Double> v = (List<Double>) row.get(2);
                    points.add(v.stream().mapToDouble(Double::doubleValue).toArray());
                }
            }
            try (var dse = DiffusionSpectralEntropy.builder().backend("cpu").sigma(2).build()) {
                assertEquals(dse.compute(Matrix.of(points.toArray(new double[0][]))).entropy(),
                        r.getDouble(r.fieldIndex("dse")), 0.0, r.toString());
            }
            assertEquals(points.size(), r.getInt(r.fieldIndex("input_rows")));
        }
        List<Row> holes = new ArrayList<>(rows);
        holes.add(RowFactory.create(0.0, new byte[] {1}, java.util.Arrays.asList(1.0, null, 2.0)));
        InvalidInputException hole = assertThrows(InvalidInputException.class, () -> Dse4jSpark.entropy(
                spark.createDataFrame(holes, schema)).groupBy("run.id", "tag").vectors("v").backend("cpu").run());
        assertTrue(hole.getMessage().contains("has a null inside 'v'"), hole.getMessage());
        List<Row> notANumber = new ArrayList<>(rows);
        notANumber.add(RowFactory.create(0.0, new byte[] {1}, java.util.Arrays.asList(1.0, Double.NaN, 2.0)));
        InvalidInputException nan = assertThrows(InvalidInputException.class, () -> Dse4jSpark.entropy(
                spark.createDataFrame(notANumber, schema)).groupBy("run.id", "tag").vectors("v").backend("cpu").run());
        assertTrue(nan.getMessage().startsWith("matrix: group (run.id = 0.0, tag = ") && nan.getMessage()
                .contains("is NaN; every value must be finite"), nan.getMessage());
    }

    static double[][] groupPoints(List<Row> ordered, String model, int layer) {
        List<double[]> points = new ArrayList<>();
        for (Row row : ordered) {
            if (row.getString(0).equals(model) && row.getInt(1) == layer) {
                List<Double> v = row.getList(2);
                points.add(v.stream().mapToDouble(Double::doubleValue).toArray());
            }
        }
        return points.toArray(new double[0][]);
    }

    @Test
    void badTablesAreRefusedNamingTheColumnAndTheGroup() {
        Dataset<Row> table = spark.createDataFrame(rows(2), SCHEMA);
        InvalidInputException missing = assertThrows(InvalidInputException.class,
                () -> Dse4jSpark.entropy(table).groupBy("model", "run").vectors("embedding").run());
        assertTrue(missing.getMessage().contains("no column 'run'"), missing.getMessage());
        InvalidInputException type = assertThrows(InvalidInputException.class,
                () -> Dse4jSpark.entropy(table).groupBy("model").vectors("layer").run());
        assertTrue(type.getMessage().contains("column 'layer' is int; it must be array<float> or array<double>"),
                type.getMessage());
        InvalidInputException noVectors = assertThrows(InvalidInputException.class,
                () -> Dse4jSpark.entropy(table).groupBy("model").run());
        assertTrue(noVectors.getMessage().startsWith("vectors: give the vector column"), noVectors.getMessage());
        List<Row> ragged = new ArrayList<>(rows(3));
        ragged.add(RowFactory.create("m0", 1, List.of(1.0, 2.0)));
        InvalidInputException lengths = assertThrows(InvalidInputException.class, () -> Dse4jSpark.entropy(
                spark.createDataFrame(ragged, SCHEMA)).groupBy("model", "layer").vectors("embedding").run());
        assertTrue(lengths.getMessage().contains("group (model = m0, layer = 1): its vectors in 'embedding' have 2 "
                + "to 5 values"), lengths.getMessage());
        List<Row> missingVector = new ArrayList<>(rows(3));
        missingVector.add(RowFactory.create("m1", 0, null));
        InvalidInputException nullVector = assertThrows(InvalidInputException.class, () -> Dse4jSpark.entropy(
                spark.createDataFrame(missingVector, SCHEMA)).groupBy("model", "layer").vectors("embedding").run());
        assertTrue(nullVector.getMessage().contains("group (model = m1, layer = 0) has 1 row with a null "
                + "'embedding'"), nullVector.getMessage());
        List<Row> lonely = new ArrayList<>(rows(4));
        lonely.add(RowFactory.create("m9", 0, List.of(1.0, 2.0, 3.0, 4.0, 5.0)));
        InvalidInputException single = assertThrows(InvalidInputException.class, () -> Dse4jSpark.entropy(
                spark.createDataFrame(lonely, SCHEMA)).groupBy("model", "layer").vectors("embedding").run());
        assertTrue(single.getMessage().contains("group (model = m9, layer = 0) has 1 row"), single.getMessage());
    }
}
