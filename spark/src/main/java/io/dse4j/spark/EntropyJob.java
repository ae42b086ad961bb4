package io.dse4j.spark;

import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.DseResult;
import io.dse4j.InvalidInputException;
import io.dse4j.Matrix;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One DSE computation per group of a table: the group columns, a vector column of {@code array<float>} or
 * {@code array<double>}, and the core library's options. {@link #run()} checks the columns before any work, sends
 * each group to a task of its own (an exact partitioner by group index: Spark's adaptive execution cannot merge
 * groups), and returns one row per group: the group's keys, then {@code n}, {@code d}, {@code input_rows},
 * {@code sigma}, {@code t}, {@code dse}, {@code backend}, {@code seconds}, ordered as the groups first appear.
 */
public final class EntropyJob implements Serializable {

    private static final long serialVersionUID = 1L;
    /** The column that carries each row's position in the table, so that a group's rows keep the table's order. */
    private static final String POSITION = "__dse4j_position";

    private final transient Dataset<Row> table;
    private String[] groups = new String[0];
    private String vectors;
    private double sigma = DiffusionSpectralEntropy.DEFAULT_SIGMA;
    private double t = DiffusionSpectralEntropy.DEFAULT_T;
    private int maxN = DiffusionSpectralEntropy.DEFAULT_MAX_N;
    private long seed = DiffusionSpectralEntropy.DEFAULT_SEED;
    private String backend = "auto";

    EntropyJob(Dataset<Row> table) {
        this.table = table;
    }

    /** The columns whose values define a group (at least one). */
    public EntropyJob groupBy(String... columns) {
        if (columns == null || columns.length == 0) {
            throw new InvalidInputException("groupBy", "needs at least one column");
        }
        this.groups = columns.clone();
        return this;
    }

    /** The column of each row's point: {@code array<float>} or {@code array<double>}, one length per group. */
    public EntropyJob vectors(String column) {
        this.vectors = column;
        return this;
    }

    /** σ (default 10), as {@code DiffusionSpectralEntropy.Builder.sigma}. */
    public EntropyJob sigma(double sigma) {
        DiffusionSpectralEntropy.builder().sigma(sigma);     // the library's check and message
        this.sigma = sigma;
        return this;
    }

    /** t (default 1). */
    public EntropyJob t(double t) {
        DiffusionSpectralEntropy.builder().t(t);
        this.t = t;
        return this;
    }

    /** The most points per group (default 10000); a larger group is subsampled with {@link #seed}. */
    public EntropyJob maxN(int maxN) {
        DiffusionSpectralEntropy.builder().maxN(maxN);
        this.maxN = maxN;
        return this;
    }

    /** The subsampling seed (default 0). */
    public EntropyJob seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** {@code auto}, {@code cpu} or {@code gpu}, on each executor. */
    public EntropyJob backend(String backend) {
        DiffusionSpectralEntropy.builder().backend(backend);
        this.backend = backend;
        return this;
    }

    /**
     * Runs the job and returns its result, one row per group.
     *
     * @throws InvalidInputException before any work for a missing column or a vector column of another type; from the
     *                               group's task for ragged vectors, a null vector or a group of fewer than 2 rows,
     *                               naming the column and the group
     */
    public Dataset<Row> run() {
        StructType schema = table.schema();
        if (groups.length == 0) {
            throw new InvalidInputException("groupBy", "give the group columns first (groupBy(\"model\", …))");
        }
        if (vectors == null) {
            throw new InvalidInputException("vectors", "give the vector column (vectors(\"embedding\"))");
        }
        List<String> names = Arrays.asList(schema.fieldNames());
        for (String g : groups) {
            if (!names.contains(g)) {
                throw new InvalidInputException("groupBy", "the table has no column '" + g + "'; its columns are "
                        + names);
            }
        }
        if (!names.contains(vectors)) {
            throw new InvalidInputException("vectors", "the table has no column '" + vectors + "'; its columns are "
                    + names);
        }
        DataType type = schema.apply(vectors).dataType();
        if (!(type instanceof ArrayType array) || !(array.elementType().equals(DataTypes.FloatType)
                || array.elementType().equals(DataTypes.DoubleType))) {
            throw new InvalidInputException("vectors", "column '" + vectors + "' is " + type.simpleString()
                    + "; it must be array<float> or array<double>");
        }
        // The groups, in the order they first appear, each with its index: the task it goes to.
        Dataset<Row> positioned = table.withColumn(POSITION, functions.monotonically_increasing_id());
        org.apache.spark.sql.Column[] keys = Arrays.stream(groups).map(functions::col)
                .toArray(org.apache.spark.sql.Column[]::new);
        List<Row> firsts = positioned.groupBy(keys).agg(functions.min(POSITION).as(POSITION))
                .orderBy(POSITION).collectAsList();
        Map<List<Object>, Integer> index = new HashMap<>();
        List<List<Object>> keyValues = new ArrayList<>();
        for (Row r : firsts) {
            List<Object> key = new ArrayList<>();
            for (int i = 0; i < groups.length; i++) {
                key.add(r.get(i));
            }
            index.put(key, keyValues.size());
            keyValues.add(key);
        }
        if (keyValues.isEmpty()) {
            throw new InvalidInputException("table", "has no rows");
        }
        int groupCount = keyValues.size();
        int keyCount = groups.length;
        String vectorColumn = vectors;
        String[] groupNames = groups.clone();
        JavaPairRDD<Integer, Tuple2<Long, Object>> byGroup = positioned.javaRDD().mapToPair(row -> {
            List<Object> key = new ArrayList<>(keyCount);
            for (String g : groupNames) {
                key.add(row.get(row.fieldIndex(g)));
            }
            Integer group = index.get(key);
            return new Tuple2<>(group, new Tuple2<>(row.getLong(row.fieldIndex(POSITION)),
                    row.get(row.fieldIndex(vectorColumn))));
        });
        GroupTask task = new GroupTask(groups.clone(), vectorColumn, keyValues, sigma, t, maxN, seed, backend);
        List<Row> results;
        try {
            results = byGroup.partitionBy(new ExactPartitioner(groupCount)).mapPartitionsWithIndex(task, true)
                    .collect();
        } catch (Exception e) {
            // A task's failure reaches the driver as a SparkException (checked, thrown through Scala undeclared).
            throw unwrapped(e);
        }
        // collect() returns the partitions in order, and partition i holds group i: the first-appearance order.
        return SparkSession.active().createDataFrame(results, resultSchema(schema));
    }

    /** The library's own exception when a task failed with one, else the failure as it came. */
    private static RuntimeException unwrapped(Exception e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof InvalidInputException invalid) {
                return invalid;
            }
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }

    private StructType resultSchema(StructType input) {
        List<StructField> fields = new ArrayList<>();
        for (String g : groups) {
            fields.add(input.apply(g));
        }
        fields.add(DataTypes.createStructField("n", DataTypes.IntegerType, false));
        fields.add(DataTypes.createStructField("d", DataTypes.IntegerType, false));
        fields.add(DataTypes.createStructField("input_rows", DataTypes.IntegerType, false));
        fields.add(DataTypes.createStructField("sigma", DataTypes.DoubleType, false));
        fields.add(DataTypes.createStructField("t", DataTypes.DoubleType, false));
        fields.add(DataTypes.createStructField("dse", DataTypes.DoubleType, false));
        fields.add(DataTypes.createStructField("backend", DataTypes.StringType, false));
        fields.add(DataTypes.createStructField("seconds", DataTypes.DoubleType, false));
        return DataTypes.createStructType(fields);
    }

    /** Partition i holds group i, and nothing else. */
    static final class ExactPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int groups;

        ExactPartitioner(int groups) {
            this.groups = groups;
        }

        @Override
        public int numPartitions() {
            return groups;
        }

        @Override
        public int getPartition(Object key) {
            return (Integer) key;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ExactPartitioner p && p.groups == groups;
        }

        @Override
        public int hashCode() {
            return groups;
        }
    }

    /** One group's computation, on an executor. */
    static final class GroupTask implements org.apache.spark.api.java.function.Function2<Integer,
            java.util.Iterator<Tuple2<Integer, Tuple2<Long, Object>>>, java.util.Iterator<Row>> {
        private static final long serialVersionUID = 1L;
        private final String[] groups;
        private final String vectors;
        private final List<List<Object>> keys;
        private final double sigma;
        private final double t;
        private final int maxN;
        private final long seed;
        private final String backend;

        GroupTask(String[] groups, String vectors, List<List<Object>> keys, double sigma, double t, int maxN,
                  long seed, String backend) {
            this.groups = groups;
            this.vectors = vectors;
            this.keys = keys;
            this.sigma = sigma;
            this.t = t;
            this.maxN = maxN;
            this.seed = seed;
            this.backend = backend;
        }

        @Override
        public java.util.Iterator<Row> call(Integer partition, java.util.Iterator<Tuple2<Integer, Tuple2<Long,
                Object>>> rows) {
            List<Tuple2<Long, Object>> points = new ArrayList<>();
            rows.forEachRemaining(r -> points.add(r._2()));
            if (points.isEmpty()) {
                return java.util.Collections.emptyIterator();
            }
            points.sort(java.util.Comparator.comparingLong(Tuple2::_1));
            List<Object> key = keys.get(partition);
            String group = describe(key);
            if (points.size() < 2) {
                throw new InvalidInputException("vectors", group + " has " + points.size() + " row; DSE needs at "
                        + "least 2 points per group");
            }
            double[][] x = new double[points.size()][];
            for (int i = 0; i < x.length; i++) {
                Object v = points.get(i)._2();
                if (v == null) {
                    throw new InvalidInputException("vectors", group + ": row " + i + " of the group has a null '"
                            + vectors + "'");
                }
                x[i] = toDoubles(v);
                if (x[i].length != x[0].length) {
                    throw new InvalidInputException("vectors", group + ": row " + i + " of the group has "
                            + x[i].length + " values in '" + vectors + "', row 0 has " + x[0].length
                            + "; every vector of a group must have the same length");
                }
            }
            try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().sigma(sigma).t(t).maxN(maxN)
                    .seed(seed).backend(backend).build()) {
                DseResult r = dse.compute(Matrix.of(x));
                Object[] values = new Object[key.size() + 8];
                for (int i = 0; i < key.size(); i++) {
                    values[i] = key.get(i);
                }
                int at = key.size();
                values[at] = r.n();
                values[at + 1] = r.d();
                values[at + 2] = r.inputRows();
                values[at + 3] = r.sigma();
                values[at + 4] = r.t();
                values[at + 5] = r.entropy();
                values[at + 6] = r.backend();
                values[at + 7] = r.seconds();
                return List.of(RowFactory.create(values)).iterator();
            }
        }

        private String describe(List<Object> key) {
            StringBuilder out = new StringBuilder("group (");
            for (int i = 0; i < groups.length; i++) {
                out.append(i == 0 ? "" : ", ").append(groups[i]).append(" = ").append(key.get(i));
            }
            return out.append(')').toString();
        }

        /** A Spark array value (a Scala sequence or a Java array) of floats or doubles, as doubles. */
        private static double[] toDoubles(Object value) {
            if (value instanceof scala.collection.Seq<?> seq) {
                double[] out = new double[seq.length()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = ((Number) seq.apply(i)).doubleValue();
                }
                return out;
            }
            if (value instanceof double[] d) {
                return d.clone();
            }
            if (value instanceof float[] f) {
                double[] out = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    out[i] = f[i];
                }
                return out;
            }
            throw new IllegalArgumentException("not an array value: " + value.getClass());
        }
    }
}
