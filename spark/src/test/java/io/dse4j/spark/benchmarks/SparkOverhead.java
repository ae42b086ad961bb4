package io.dse4j.spark.benchmarks;

import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.Matrix;
import io.dse4j.spark.Dse4jSpark;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Spark's overhead for DSE per group (issue 13 §3): G groups of N × D points in a Parquet table, measured as
 * <ul>
 *   <li>spark: {@code Dse4jSpark.entropy(spark.read().parquet(table))…run().collect()} on {@code local[C]} — reading
 *       the table, the grouping aggregation, the shuffle to one task per group, the computations;</li>
 *   <li>loop: the same groups already in memory, one after another in this JVM with C threads each;</li>
 *   <li>parallel loop: C threads each taking groups in turn, one thread per computation (as Spark's C task slots
 *       do).</li>
 * </ul>
 * in alternating rounds, after a warm-up of each. The overhead is (spark − best loop) / spark per round. Prints one
 * line per measurement and a summary; checks that every Spark result equals the loop's.
 *
 * <p>Usage: {@code SparkOverhead GROUPS N D ROUNDS} (the case: 24 2000 256 3).
 */
public final class SparkOverhead {

    private SparkOverhead() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: SparkOverhead GROUPS N D ROUNDS");
            System.exit(2);
        }
        int groups = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        int d = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        int cores = Runtime.getRuntime().availableProcessors();
        Path dir = Files.createTempDirectory("dse4j-spark-overhead");
        String table = dir.resolve("groups.parquet").toString();
        SparkSession spark = SparkSession.builder().master("local[" + cores + "]").appName("dse4j overhead")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            List<double[][]> data = write(spark, table, groups, n, d);
            System.out.printf(Locale.ROOT, "# %d groups of %d × %d, local[%d], %s, Java %s%n", groups, n, d, cores,
                    System.getProperty("os.arch"), Runtime.version());
            StageTimes stages = new StageTimes();
            spark.sparkContext().addSparkListener(stages);
            double[] expected = loop(data, cores);
            check(expected, sparkRun(spark, table));    // warm-up of both, and the equality check
            parallelLoop(data, cores);
            double[] overheads = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                stages.clear();
                long t0 = System.nanoTime();
                double[] fromSpark = sparkRun(spark, table);
                long t1 = System.nanoTime();
                String stageLine = stages.describe();
                loop(data, cores);
                long t2 = System.nanoTime();
                parallelLoop(data, cores);
                long t3 = System.nanoTime();
                check(expected, fromSpark);
                double s = (t1 - t0) / 1e9;
                double l = (t2 - t1) / 1e9;
                double p = (t3 - t2) / 1e9;
                overheads[r] = (s - Math.min(l, p)) / s;
                System.out.printf(Locale.ROOT, "round %d: spark %.2f s (computing in its tasks %.2f s over %d "
                        + "slots), loop %.2f s, parallel loop %.2f s, overhead %.1f %% of the job against the faster "
                        + "loop, %.1f %% against the plain loop%n", r + 1, s, taskSeconds / cores, cores, l, p,
                        100 * overheads[r], 100 * (s - l) / s);
                System.out.println("  stages: " + stageLine);
            }
            Arrays.sort(overheads);
            System.out.printf(Locale.ROOT, "median overhead %.1f %% (of the Spark job's time; against the faster "
                    + "loop)%n", 100 * overheads[rounds / 2]);
        } finally {
            spark.stop();
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Writes the groups (seeded Gaussian blobs, a different spread per group) and returns them in memory. */
    private static List<double[][]> write(SparkSession spark, String path, int groups, int n, int d) {
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("group", DataTypes.IntegerType, false),
                DataTypes.createStructField("embedding", DataTypes.createArrayType(DataTypes.FloatType, false),
                        false)));
        SplittableRandom random = new SplittableRandom(13);
        List<double[][]> data = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            double spread = 0.5 + 0.1 * g;
            double[][] x = new double[n][d];
            for (int i = 0; i < n; i++) {
                Float[] v = new Float[d];
                for (int k = 0; k < d; k++) {
                    float value = (float) (spread * (random.nextDouble() - 0.5) + (i % 5));
                    v[k] = value;
                    x[i][k] = value;
                }
                rows.add(RowFactory.create(g, Arrays.asList(v)));
            }
            data.add(x);
        }
        spark.createDataFrame(rows, schema).write().mode(SaveMode.Overwrite).parquet(path);
        return data;
    }

    /** The sum of the tasks' own computing seconds in the last Spark run. */
    private static double taskSeconds;

    private static double[] sparkRun(SparkSession spark, String table) {
        List<Row> rows = Dse4jSpark.entropy(spark.read().parquet(table)).groupBy("group").vectors("embedding")
                .backend("cpu").run().collectAsList();
        double[] out = new double[rows.size()];
        taskSeconds = 0;
        for (Row r : rows) {
            out[r.getInt(0)] = r.getDouble(r.fieldIndex("dse"));
            taskSeconds += r.getDouble(r.fieldIndex("seconds"));
        }
        return out;
    }

    /** Each completed stage's wall time (submission to completion), in the order they completed. */
    private static final class StageTimes extends org.apache.spark.scheduler.SparkListener {
        private final List<String> done = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onStageCompleted(org.apache.spark.scheduler.SparkListenerStageCompleted completed) {
            var info = completed.stageInfo();
            long start = info.submissionTime().isDefined() ? (Long) info.submissionTime().get() : 0;
            long end = info.completionTime().isDefined() ? (Long) info.completionTime().get() : 0;
            String name = info.name();
            name = name.contains(" at ") ? name.substring(0, name.indexOf(" at ")) : name;
            done.add(String.format(Locale.ROOT, "%s %d tasks %.2f s", name, info.numTasks(), (end - start) / 1e3));
        }

        void clear() {
            done.clear();
        }

        String describe() {
            synchronized (done) {
                return String.join("; ", done);
            }
        }
    }

    private static double[] loop(List<double[][]> data, int threads) {
        double[] out = new double[data.size()];
        try (var dse = DiffusionSpectralEntropy.builder().backend("cpu").threads(threads).build()) {
            for (int g = 0; g < out.length; g++) {
                out[g] = dse.compute(Matrix.of(data.get(g))).entropy();
            }
        }
        return out;
    }

    private static double[] parallelLoop(List<double[][]> data, int workers) throws Exception {
        double[] out = new double[data.size()];
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int g = 0; g < out.length; g++) {
                int group = g;
                done.add(pool.submit(() -> {
                    try (var dse = DiffusionSpectralEntropy.builder().backend("cpu").threads(1).build()) {
                        out[group] = dse.compute(Matrix.of(data.get(group))).entropy();
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return out;
    }

    private static void check(double[] expected, double[] fromSpark) {
        for (int g = 0; g < expected.length; g++) {
            if (expected[g] != fromSpark[g]) {
                throw new AssertionError("group " + g + ": spark " + fromSpark[g] + ", loop " + expected[g]);
            }
        }
    }
}
