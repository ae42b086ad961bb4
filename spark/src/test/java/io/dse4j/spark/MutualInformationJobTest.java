package io.dse4j.spark;

import io.dse4j.InvalidInputException;
import io.dse4j.Matrix;
import io.dse4j.MutualInformation;
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
 * DSMI per group on Spark (local[2]): each group's value equals {@code MutualInformation.compute(z, labels)} on its
 * rows in the table's order, bit for bit; string labels give the value of their ranks as integers; bad label columns
 * are refused before any work.
 */
class MutualInformationJobTest {

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("dse4j-mi-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static final StructType SCHEMA = DataTypes.createStructType(List.of(
            DataTypes.createStructField("model", DataTypes.StringType, false),
            DataTypes.createStructField("z", DataTypes.createArrayType(DataTypes.FloatType), false),
            DataTypes.createStructField("label", DataTypes.IntegerType, true),
            DataTypes.createStructField("name", DataTypes.StringType, true)));

    private static final String[] NAMES = {"cat", "ant", "dog"};

    /** Two models of 90 and 60 rows; model a's points lie by class, model b's do not. */
    private static List<Row> rows() {
        Random random = new Random(7);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            String model = i % 5 < 3 ? "a" : "b";
            int label = i % 3;
            List<Float> z = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                z.add((float) ((model.equals("a") ? 6 * label : 0) + random.nextGaussian()));
            }
            rows.add(RowFactory.create(model, z, label, NAMES[label]));
        }
        return rows;
    }

    @Test
    void everyGroupEqualsTheCoreLibrarysDsmi() {
        // A table with an order of its own (a local relation read in slices; a Parquet file is another): after a
        // repartition Spark may read the rows in another order depending on the columns read — DSMI's subsets are
        // drawn by position, so the comparison needs a defined order.
        Dataset<Row> table = spark.createDataFrame(rows(), SCHEMA);
        List<Row> ordered = table.collectAsList();
        List<Row> byInt = Dse4jSpark.mutualInformation(table).groupBy("model").vectors("z").labels("label")
                .sigma(2).repetitions(3).seed(11).backend("cpu").run().collectAsList();
        // The same job reached from entropy(), with string labels: ranks cat→1, ant→0, dog→2, a relabelling of
        // 0,1,2 that keeps the classes but not their order — so compare against the core on the ranks.
        List<Row> byName = Dse4jSpark.entropy(table).groupBy("model").vectors("z").sigma(2).backend("cpu")
                .mutualInformation().labels("name").repetitions(3).seed(11).run().collectAsList();
        assertEquals(2, byInt.size());
        double[] dsmi = new double[2];
        for (int g = 0; g < byInt.size(); g++) {
            Row r = byInt.get(g);
            String model = r.getString(0);
            // Groups come in the order they first appear; look each up by its key.
            Row named = byName.stream().filter(x -> x.getString(0).equals(model)).findFirst().orElseThrow();
            List<double[]> z = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            List<Integer> ranks = new ArrayList<>();
            for (Row row : ordered) {
                if (row.getString(0).equals(model)) {
                    List<Float> v = row.getList(1);
                    z.add(v.stream().mapToDouble(Float::doubleValue).toArray());
                    labels.add(row.getInt(2));
                    ranks.add(List.of("ant", "cat", "dog").indexOf(row.getString(3)));
                }
            }
            Matrix points = Matrix.of(z.toArray(new double[0][]));
            try (MutualInformation mi = MutualInformation.builder().sigma(2).repetitions(3).seed(11).backend("cpu")
                    .build()) {
                assertEquals(mi.compute(points, labels.stream().mapToInt(Integer::intValue).toArray()).mi(),
                        r.getDouble(r.fieldIndex("dsmi")), 0.0, model);
                assertEquals(mi.compute(points, ranks.stream().mapToInt(Integer::intValue).toArray()).mi(),
                        named.getDouble(named.fieldIndex("dsmi")), 0.0, model + " by name");
            }
            assertEquals(z.size(), r.getInt(r.fieldIndex("n")));
            assertEquals(3, r.getInt(r.fieldIndex("classes")));
            assertEquals(4, r.getInt(r.fieldIndex("d")));
            dsmi[model.equals("a") ? 0 : 1] = r.getDouble(r.fieldIndex("dsmi"));
        }
        assertTrue(dsmi[0] > dsmi[1] + 0.5, "points by class carry more information: " + dsmi[0] + " vs " + dsmi[1]);
    }

    @Test
    void badLabelColumnsAreRefusedBeforeAnyWork() {
        Dataset<Row> table = spark.createDataFrame(rows(), SCHEMA);
        InvalidInputException none = assertThrows(InvalidInputException.class,
                () -> Dse4jSpark.mutualInformation(table).groupBy("model").vectors("z").run());
        assertTrue(none.getMessage().startsWith("labels: give the label column"), none.getMessage());
        InvalidInputException type = assertThrows(InvalidInputException.class,
                () -> Dse4jSpark.mutualInformation(table).groupBy("model").vectors("z").labels("z").run());
        assertTrue(type.getMessage().contains("column 'z' is array<float>; it must be an integer type"),
                type.getMessage());
        List<Row> withNull = new ArrayList<>(rows());
        withNull.add(RowFactory.create("b", List.of(1f, 2f, 3f, 4f), null, "ant"));
        InvalidInputException nullLabel = assertThrows(InvalidInputException.class, () -> Dse4jSpark
                .mutualInformation(spark.createDataFrame(withNull, SCHEMA)).groupBy("model").vectors("z")
                .labels("label").run());
        assertTrue(nullLabel.getMessage().contains("group (model = b) has 1 row(s) with a null 'label'"),
                nullLabel.getMessage());
    }
}
