package io.dse4j.spark;

import io.dse4j.InvalidInputException;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A table split into groups, on the driver: the columns checked, every group found with its index (the order in
 * which groups first appear), each group's row count, vector lengths and missing values checked by one aggregation
 * before any computation, and the rows sent to one partition per group by an {@link ExactPartitioner}, each with
 * its position in the table so that a group's rows keep the table's order.
 */
final class GroupedTable {

    /** The column that carries each row's position in the table. */
    private static final String POSITION = "__dse4j_position";

    /** What the vector column holds: one point per row, or a whole .npy file (a group) per row. */
    enum VectorKind { POINTS, NPY_FILE }

    private final Dataset<Row> table;
    private final String[] groups;
    private final String vectors;
    private final String labels;
    private final VectorKind kind;
    private final List<List<Object>> keys = new ArrayList<>();

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
        Column vector = functions.col(vectors);
        List<Column> measures = new ArrayList<>();
        measures.add(functions.count(functions.lit(1)).as("rows"));
        measures.add(functions.count(vector).as("present"));
        if (kind == VectorKind.POINTS) {
            measures.add(functions.min(functions.size(vector)).as("shortest"));
            measures.add(functions.max(functions.size(vector)).as("longest"));
        }
        if (labels != null) {
            measures.add(functions.count(functions.col(labels)).as("labelled"));
        }
        Column[] keyColumns = Arrays.stream(groups).map(functions::col).toArray(Column[]::new);
        List<Row> found = positioned().groupBy(keyColumns)
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
            keys.add(key);
        }
    }

    private Dataset<Row> positioned() {
        return table.withColumn(POSITION, functions.monotonically_increasing_id());
    }

    VectorKind kind() {
        return kind;
    }

    /** The groups' key values, group i at index i. */
    List<List<Object>> keys() {
        return keys;
    }

    /** The group columns' fields, for the result's schema. */
    List<StructField> keyFields() {
        List<StructField> fields = new ArrayList<>();
        for (String g : groups) {
            fields.add(table.schema().apply(g));
        }
        return fields;
    }

    /** Every row as (group index, its position, vector and label), partition i holding group i's rows only. */
    JavaPairRDD<Integer, GroupRow> partitioned() {
        Map<List<Object>, Integer> index = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            index.put(keys.get(i), i);
        }
        String[] groupNames = groups.clone();
        String vectorColumn = vectors;
        String labelColumn = labels;
        JavaPairRDD<Integer, GroupRow> byGroup = positioned().javaRDD().mapToPair(row -> {
            List<Object> key = new ArrayList<>(groupNames.length);
            for (String g : groupNames) {
                key.add(row.get(row.fieldIndex(g)));
            }
            Object label = labelColumn == null ? null : row.get(row.fieldIndex(labelColumn));
            return new Tuple2<>(index.get(key), new GroupRow(row.getLong(row.fieldIndex(POSITION)),
                    row.get(row.fieldIndex(vectorColumn)), label));
        });
        return byGroup.partitionBy(new ExactPartitioner(keys.size()));
    }

    /** "group (model = m0, layer = 1)", as messages name a group. */
    static String describe(String[] groups, List<Object> key) {
        StringBuilder out = new StringBuilder("group (");
        for (int i = 0; i < groups.length; i++) {
            out.append(i == 0 ? "" : ", ").append(groups[i]).append(" = ").append(key.get(i));
        }
        return out.append(')').toString();
    }

    /** One row of a group on its way to the group's task. */
    record GroupRow(long position, Object vector, Object label) implements java.io.Serializable {
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
}
