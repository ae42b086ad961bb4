package io.dse4j.spark;

import io.dse4j.InvalidInputException;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A table split into groups, on the driver: the columns checked; only the columns used kept, each row given its
 * position, and that held (persisted) so that every pass sees the same rows at the same positions, the table read
 * once; every group found with its index (the order in which groups first appear), each group's row count, vector
 * lengths and missing values checked by one aggregation before any computation; and the rows sent to one partition
 * per group by an {@link ExactPartitioner}, sorted there by position so that a task streams its group in the
 * table's order. A row finds its group's index by a join on the keys in Spark (null-safe, with Spark's own
 * equality: binary by content, -0.0 as 0.0, collations), not by Java equality. {@link #close()} releases what is
 * held.
 */
final class GroupedTable implements AutoCloseable {

    /** The column that carries each row's position in the table. */
    private static final String POSITION = "__dse4j_position";
    /** The column of a row's group index, from the join. */
    private static final String GROUP = "__dse4j_group";
    /** The group keys' columns in the small table of groups (new names: no self-join ambiguity). */
    private static final String KEY = "__dse4j_key_";

    /** What the vector column holds: one point per row, or a whole .npy file (a group) per row. */
    enum VectorKind {
        POINTS, NPY_FILE
    }

    private final Dataset<Row> table;
    private final String[] groups;
    private final String vectors;
    private final String labels;
    private final VectorKind kind;
    private final List<List<Object>> keys = new ArrayList<>();
    private final List<Integer> sizes = new ArrayList<>();
    private Dataset<Row> held;

    /**
     * @param labels the label column, or null
     * @throws InvalidInputException for a missing column, a vector or label column of another type, an empty table,
     *                               and for any group with too few rows, vectors of different lengths, or a null
     *                               vector or label — before any computation
     */
    GroupedTable(Dataset<Row> table, String[] groups, String vectors, String labels) {
        this.table = table;
        this.groups = groups;
        this.vectors = vectors;
        this.labels = labels;
        if (groups.length == 0) {
            throw new InvalidInputException("groupBy", "give the group columns first (groupBy(\"model\", …))");
        }
        if (vectors == null) {
            throw new InvalidInputException("vectors", "give the vector column (vectors(\"embedding\"))");
        }
        StructType schema = table.schema();
        List<String> names = Arrays.asList(schema.fieldNames());
        for (String g : groups) {
            requireColumn(names, "groupBy", g);
        }
        requireColumn(names, "vectors", vectors);
        DataType type = schema.apply(vectors).dataType();
        if (type.equals(DataTypes.BinaryType)) {
            kind = VectorKind.NPY_FILE;
        } else if (type instanceof ArrayType array && (array.elementType().equals(DataTypes.FloatType)
                || array.elementType().equals(DataTypes.DoubleType))) {
            kind = VectorKind.POINTS;
        } else {
            throw new InvalidInputException("vectors", "column '" + vectors + "' is " + type.simpleString()
                    + "; it must be array<float> or array<double> (one point per row), or binary (a whole .npy file"
                    + " per row, as Spark's binaryFile source reads it)");
        }
        if (labels != null) {
            requireColumn(names, "labels", labels);
            DataType labelType = schema.apply(labels).dataType();
            if (!LabelCodes.accepts(labelType)) {
                throw new InvalidInputException("labels", "column '" + labels + "' is " + labelType.simpleString()
                        + "; it must be an integer type (tinyint, smallint, int, bigint) or string");
            }
            if (kind == VectorKind.NPY_FILE) {
                throw new InvalidInputException("labels", "labels need one point per row; column '" + vectors
                        + "' holds whole .npy files");
            }
        }
        findGroups();
    }

    private static void requireColumn(List<String> names, String argument, String column) {
        if (column == null || !names.contains(column)) {
            throw new InvalidInputException(argument, "the table has no column '" + column + "'; its columns are "
                    + names);
        }
    }

    /** One aggregation: each group's first position, rows, vector lengths and missing values, checked here. */
    private void findGroups() {
        List<Column> used = new ArrayList<>();
        for (String g : groups) {
            used.add(column(g));
        }
        used.add(column(vectors));
        if (labels != null) {
            used.add(column(labels));
        }
        held = table.select(used.toArray(Column[]::new)).withColumn(POSITION, functions.monotonically_increasing_id())
                .persist(StorageLevel.MEMORY_AND_DISK());
        Column vector = column(vectors);
        List<Column> measures = new ArrayList<>();
        measures.add(functions.count(functions.lit(1)).as("rows"));
        measures.add(functions.count(vector).as("present"));
        if (kind == VectorKind.POINTS) {
            measures.add(functions.min(functions.size(vector)).as("shortest"));
            measures.add(functions.max(functions.size(vector)).as("longest"));
        }
        if (labels != null) {
            measures.add(functions.count(column(labels)).as("labelled"));
        }
        Column[] keyColumns = Arrays.stream(groups).map(GroupedTable::column).toArray(Column[]::new);
        List<Row> found = held.groupBy(keyColumns)
                .agg(functions.min(POSITION).as(POSITION), measures.toArray(Column[]::new))
                .orderBy(POSITION).collectAsList();
        if (found.isEmpty()) {
            throw new InvalidInputException("table", "has no rows");
        }
        for (Row r : found) {
            List<Object> key = new ArrayList<>();
            for (int i = 0; i < groups.length; i++) {
                key.add(r.get(i));
            }
            String group = describe(groups, key);
            long rows = r.getLong(r.fieldIndex("rows"));
            long present = r.getLong(r.fieldIndex("present"));
            if (present < rows) {
                throw new InvalidInputException("vectors", group + " has " + (rows - present) + " row"
                        + (rows - present == 1 ? "" : "s") + " with a null '" + vectors + "'");
            }
            if (kind == VectorKind.NPY_FILE) {
                if (rows != 1) {
                    throw new InvalidInputException("groupBy", group + " has " + rows + " .npy files in '" + vectors
                            + "'; with a binary column each group is one file (group by its path)");
                }
            } else {
                if (rows < 2) {
                    throw new InvalidInputException("vectors", group + " has " + rows + " row; DSE needs at least"
                            + " 2 points per group");
                }
                int shortest = r.getInt(r.fieldIndex("shortest"));
                int longest = r.getInt(r.fieldIndex("longest"));
                if (shortest != longest) {
                    throw new InvalidInputException("vectors", group + ": its vectors in '" + vectors + "' have "
                            + shortest + " to " + longest + " values; every vector of a group must have the same"
                            + " length");
                }
                if (shortest == 0) {
                    throw new InvalidInputException("vectors", group + ": its vectors in '" + vectors + "' are "
                            + "empty; a point needs at least one value");
                }
            }
            if (labels != null && r.getLong(r.fieldIndex("labelled")) < rows) {
                throw new InvalidInputException("labels", group + " has "
                        + (rows - r.getLong(r.fieldIndex("labelled"))) + " row(s) with a null '" + labels + "'");
            }
            if (rows > Integer.MAX_VALUE - 8) {
                throw new InvalidInputException("groupBy", group + " has " + rows + " rows; at most "
                        + (Integer.MAX_VALUE - 8) + " per group are supported");
            }
            keys.add(key);
            sizes.add((int) rows);
        }
    }

    /** A column by its name as written, dots and all (not a path into a struct). */
    static Column column(String name) {
        return functions.col(quoted(name));
    }

    /** A column name in back-quotes, as Spark reads a name that is not a path. */
    private static String quoted(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** Releases the held rows (idempotent). */
    @Override
    public void close() {
        if (held != null) {
            held.unpersist();
            held = null;
        }
    }

    VectorKind kind() {
        return kind;
    }

    /** The groups' key values, group i at index i. */
    List<List<Object>> keys() {
        return keys;
    }

    /** The groups' row counts, group i at index i. */
    List<Integer> sizes() {
        return sizes;
    }

    /** The group columns' fields, for the result's schema. */
    List<StructField> keyFields() {
        List<StructField> fields = new ArrayList<>();
        for (String g : groups) {
            fields.add(table.schema().apply(g));
        }
        return fields;
    }

    /**
     * Every row as (group index and position, vector and label), partition i holding group i's rows only, sorted by
     * position.
     */
    JavaPairRDD<GroupPosition, ShuffledRow> partitioned() {
        SparkSession spark = table.sparkSession();
        List<StructField> fields = new ArrayList<>();
        List<StructField> keyFields = keyFields();
        for (int i = 0; i < keyFields.size(); i++) {
            fields.add(DataTypes.createStructField(KEY + i, keyFields.get(i).dataType(), true));
        }
        fields.add(DataTypes.createStructField(GROUP, DataTypes.IntegerType, false));
        List<Row> index = new ArrayList<>();
        for (int g = 0; g < keys.size(); g++) {
            List<Object> values = new ArrayList<>(keys.get(g));
            values.add(g);
            index.add(RowFactory.create(values.toArray()));
        }
        Dataset<Row> groupTable = spark.createDataFrame(index, DataTypes.createStructType(fields));
        Column on = null;
        for (int i = 0; i < groups.length; i++) {
            Column same = held.col(quoted(groups[i])).eqNullSafe(groupTable.col(KEY + i));
            on = on == null ? same : on.and(same);
        }
        // The bean's columns: the vector under the name of its kind. A null element cannot pass into a primitive
        // array, so such a vector goes on as null and the task, seeing a null where the driver saw none, says where.
        // Found without a higher-order function (exists(v, x -> x IS NULL) is interpreted per element: 1.3 s of a
        // 12 s job): array_contains(v, NaN) is null exactly when v holds a null and no NaN — and a NaN the library
        // refuses anyway.
        DataType vectorType = table.schema().apply(vectors).dataType();
        String vectorField = kind == VectorKind.NPY_FILE ? "content"
                : ((ArrayType) vectorType).elementType().equals(DataTypes.FloatType) ? "floats" : "doubles";
        Column vector = column(vectors);
        if (kind == VectorKind.POINTS) {
            DataType element = ((ArrayType) vectorType).elementType();
            vector = functions.when(functions.array_contains(vector, functions.lit(Double.NaN).cast(element)).isNull(),
                    functions.lit(null)).otherwise(vector);
        }
        List<Column> picked = new ArrayList<>(List.of(groupTable.col(GROUP).as("group"),
                held.col(POSITION).as("position"), vector.as(vectorField)));
        for (String field : List.of("floats", "doubles", "content")) {
            if (!field.equals(vectorField)) {
                DataType type = field.equals("content") ? DataTypes.BinaryType
                        : DataTypes.createArrayType(field.equals("floats") ? DataTypes.FloatType
                                : DataTypes.DoubleType);
                picked.add(functions.lit(null).cast(type).as(field));
            }
        }
        boolean text = labels != null && table.schema().apply(labels).dataType().equals(DataTypes.StringType);
        picked.add((labels != null && !text ? column(labels).cast(DataTypes.LongType) : functions.lit(null)
                .cast(DataTypes.LongType)).as("labelNumber"));
        picked.add((text ? column(labels) : functions.lit(null).cast(DataTypes.StringType)).as("labelText"));
        return held.join(functions.broadcast(groupTable), on).select(picked.toArray(Column[]::new))
                .as(Encoders.bean(ShuffledRow.class)).javaRDD()
                .mapToPair(row -> new Tuple2<>(new GroupPosition(row.getGroup(), row.getPosition()), row))
                .repartitionAndSortWithinPartitions(new ExactPartitioner(keys.size()), GroupPosition.ORDER);
    }

    /** "group (model = m0, layer = 1)", as messages name a group. */
    static String describe(String[] groups, List<Object> key) {
        StringBuilder out = new StringBuilder("group (");
        for (int i = 0; i < groups.length; i++) {
            out.append(i == 0 ? "" : ", ").append(groups[i]).append(" = ").append(key.get(i));
        }
        return out.append(')').toString();
    }

    /** A row's group and position: the shuffle's key, partitioned by the group, sorted by both. */
    record GroupPosition(int group, long position) implements java.io.Serializable {
        static final java.util.Comparator<GroupPosition> ORDER = new Order();

        /** (group, position) ascending; a class of its own, since the comparator travels to the executors. */
        private static final class Order implements java.util.Comparator<GroupPosition>, java.io.Serializable {
            private static final long serialVersionUID = 1L;

            @Override
            public int compare(GroupPosition a, GroupPosition b) {
                int byGroup = Integer.compare(a.group, b.group);
                return byGroup != 0 ? byGroup : Long.compare(a.position, b.position);
            }
        }
    }

    /** Partition i holds group i, and nothing else: adaptive execution cannot merge groups into one task. */
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
            return ((GroupPosition) key).group();
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
}
