package io.dse4j.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The example of {@code spark/README.md}: a Parquet table of embeddings for 3 models × 4 checkpoints × 2 layers,
 * and the job that measures DSE and DSMI(Z; Y) for each (model, checkpoint, layer).
 *
 * <pre>
 *   spark-submit --class io.dse4j.spark.LayerEntropyExample dse4j-spark-all.jar write embeddings.parquet
 *   spark-submit --class io.dse4j.spark.LayerEntropyExample dse4j-spark-all.jar run embeddings.parquet measures.parquet
 * </pre>
 *
 * The synthetic embeddings behave as training does: at checkpoint 0 the points are a cloud of noise three times σ wide; with each
 * checkpoint the noise shrinks and the 10 classes move apart — more in the head than in the first block, and more
 * for a better model — so DSE falls (towards log₂ 10 for 10 tight classes) and DSMI(Z; Y) rises.
 */
public final class LayerEntropyExample {

    static final String[] MODELS = {"resnet-a", "resnet-b", "vit-s"};
    static final int CHECKPOINTS = 4;
    static final String[] LAYERS = {"block1", "head"};
    static final int CLASSES = 10;

    private LayerEntropyExample() {
    }

    public static void main(String[] args) {
        if (args.length < 2 || !(args[0].equals("write") && args.length <= 4 || args[0].equals("run")
                && (args.length == 3 || args.length == 4))) {
            System.err.println("usage: LayerEntropyExample write TABLE [ROWS_PER_GROUP [DIMENSIONS]]\n"
                    + "       LayerEntropyExample run TABLE OUT [auto|cpu|gpu]");
            System.exit(2);
        }
        SparkSession spark = SparkSession.builder().appName("dse4j layer entropy").getOrCreate();
        try {
            if (args[0].equals("write")) {
                int rows = args.length > 2 ? positive(args[2], "ROWS_PER_GROUP") : 1000;
                int dims = args.length > 3 ? positive(args[3], "DIMENSIONS") : 64;   // at least 2, as the rows
                write(spark, args[1], rows, dims);
                System.out.println("wrote " + MODELS.length * CHECKPOINTS * LAYERS.length + " groups of " + rows
                        + " × " + dims + " to " + args[1]);
            } else {
                Dataset<Row> measures = run(spark, args[1], args.length > 3 ? args[3] : "auto");
                measures.write().mode(SaveMode.ErrorIfExists).parquet(args[2]);
                measures.orderBy("model", "layer", "checkpoint").show(100, false);
                System.out.println("wrote " + args[2]);
            }
        } finally {
            spark.stop();
        }
    }

    private static int positive(String text, String name) {
        try {
            int value = Integer.parseInt(text);
            if (value >= 2) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        System.err.println("LayerEntropyExample: " + name + " must be an integer of at least 2, got '" + text + "'");
        System.exit(2);
        return 0;
    }

    /** Writes the table: model, checkpoint, layer, label, embedding (array&lt;float&gt;), one row per input. */
    static void write(SparkSession spark, String path, int rowsPerGroup, int dims) {
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("model", DataTypes.StringType, false),
                DataTypes.createStructField("checkpoint", DataTypes.IntegerType, false),
                DataTypes.createStructField("layer", DataTypes.StringType, false),
                DataTypes.createStructField("label", DataTypes.IntegerType, false),
                DataTypes.createStructField("embedding", DataTypes.createArrayType(DataTypes.FloatType, false),
                        false)));
        SplittableRandom random = new SplittableRandom(2312_04823L);
        // Each class's direction (a unit vector), shared by every model, checkpoint and layer.
        double[][] directions = new double[CLASSES][dims];
        for (double[] direction : directions) {
            double norm = 0;
            for (int k = 0; k < dims; k++) {
                direction[k] = gaussian(random);
                norm += direction[k] * direction[k];
            }
            for (int k = 0; k < dims; k++) {
                direction[k] /= Math.sqrt(norm);
            }
        }
        // One task per group writes its rows (a table built on the driver would travel inside the tasks).
        List<Integer> groups = new ArrayList<>();
        for (int g = 0; g < MODELS.length * CHECKPOINTS * LAYERS.length; g++) {
            groups.add(g);
        }
        JavaRDD<Row> rows = new JavaSparkContext(spark.sparkContext()).parallelize(groups, groups.size())
                .flatMap(g -> group(g, rowsPerGroup, dims, directions).iterator());
        spark.createDataFrame(rows, schema).write().mode(SaveMode.ErrorIfExists).parquet(path);
    }

    /** The rows of group g (model, checkpoint, layer in that order of nesting), from a generator of its own. */
    private static List<Row> group(int g, int rowsPerGroup, int dims, double[][] directions) {
        int m = g / (CHECKPOINTS * LAYERS.length);
        int c = g / LAYERS.length % CHECKPOINTS;
        int l = g % LAYERS.length;
        SplittableRandom random = new SplittableRandom(2312_04823L + 1000L * g);
        // Training: the noise (a cloud of radius ~30, three times σ = 10) shrinks and the classes move out along
        // their directions; the head and the better models go further.
        double progress = (double) c / (CHECKPOINTS - 1) * (0.6 + 0.2 * l) * (1 + 0.1 * m);
        double noise = 30 * (1 - progress) / Math.sqrt(dims);
        double radius = 40 * progress;
        List<Row> rows = new ArrayList<>(rowsPerGroup);
        for (int i = 0; i < rowsPerGroup; i++) {
            int label = i % CLASSES;
            float[] v = new float[dims];
            for (int k = 0; k < dims; k++) {
                v[k] = (float) (radius * directions[label][k] + noise * gaussian(random));
            }
            rows.add(RowFactory.create(MODELS[m], c, LAYERS[l], label, v));
        }
        return rows;
    }

    /** A standard normal deviate (Box–Muller). */
    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /**
     * DSE (σ = 10, t = 1) and DSMI(Z; Y) of every (model, checkpoint, layer): model, checkpoint, layer, n, d, dse,
     * dsmi, backend, device, dse_seconds, dsmi_seconds.
     */
    static Dataset<Row> run(SparkSession spark, String table, String backend) {
        Dataset<Row> embeddings = spark.read().parquet(table);
        Dataset<Row> dse = Dse4jSpark.entropy(embeddings).groupBy("model", "checkpoint", "layer").vectors("embedding")
                .backend(backend).run();
        Dataset<Row> dsmi = Dse4jSpark.mutualInformation(embeddings).groupBy("model", "checkpoint", "layer")
                .vectors("embedding").labels("label").backend(backend).run();
        return dse.select("model", "checkpoint", "layer", "n", "d", "dse", "backend", "device", "seconds")
                .withColumnRenamed("seconds", "dse_seconds")
                .join(dsmi.select("model", "checkpoint", "layer", "dsmi", "seconds")
                        .withColumnRenamed("seconds", "dsmi_seconds"), new String[] {"model", "checkpoint", "layer"})
                .select("model", "checkpoint", "layer", "n", "d", "dse", "dsmi", "backend", "device",
                        "dse_seconds", "dsmi_seconds");
    }
}
