package io.dse4j.spark;

import io.dse4j.InvalidInputException;
import io.dse4j.Matrix;
import io.dse4j.io.MatrixFiles;
import scala.Tuple2;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * One group's points (and labels) on its executor, in the table's order: the rows of the group's partition sorted by
 * their position, or the one .npy file of the group read by the core library's parser.
 *
 * @param key    the group's key values
 * @param name   the group as messages name it ("group (model = m0, layer = 1)")
 * @param points the points, one row each
 * @param labels one label per point, or null without a label column
 */
record GroupData(List<Object> key, String name, Matrix points, int[] labels) {

    /**
     * @return null for a partition without rows (none: every group has rows, but Spark may hand out an empty one)
     * @throws InvalidInputException naming the column, the group and the row, for what the driver's checks could
     *                               not see (a .npy file Spark read but the parser refuses)
     */
    static GroupData of(Iterator<Tuple2<Integer, GroupedTable.GroupRow>> rows, Spec spec, List<Object> key) {
        List<GroupedTable.GroupRow> group = new ArrayList<>();
        rows.forEachRemaining(r -> group.add(r._2()));
        if (group.isEmpty()) {
            return null;
        }
        String name = GroupedTable.describe(spec.groups(), key);
        if (spec.kind() == GroupedTable.VectorKind.NPY_FILE) {
            try {
                return new GroupData(key, name, MatrixFiles.readNpy((byte[]) group.get(0).vector(), name), null);
            } catch (IOException e) {
                throw new InvalidInputException("vectors", e.getMessage());
            }
        }
        group.sort(Comparator.comparingLong(GroupedTable.GroupRow::position));
        double[][] x = new double[group.size()][];
        List<Object> labels = spec.labels() == null ? null : new ArrayList<>(group.size());
        for (int i = 0; i < x.length; i++) {
            x[i] = doubles(group.get(i).vector());
            if (x[i].length != x[0].length) {   // checked on the driver; kept for a table that changed since
                throw new InvalidInputException("vectors", name + ": row " + i + " of the group has " + x[i].length
                        + " values in '" + spec.vectors() + "', row 0 has " + x[0].length + "; every vector of a "
                        + "group must have the same length");
            }
            if (labels != null) {
                labels.add(group.get(i).label());
            }
        }
        int[] codes = labels == null ? null : LabelCodes.of(labels, spec.labels(), name);
        return new GroupData(key, name, Matrix.of(x), codes);
    }

    /** A Spark array value (a Scala sequence or a Java array) of floats or doubles, as doubles. */
    private static double[] doubles(Object value) {
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
        throw new IllegalArgumentException("not an array value: " + (value == null ? "null" : value.getClass()));
    }

    /** What a task needs to know of the table's columns. */
    record Spec(String[] groups, String vectors, String labels, GroupedTable.VectorKind kind)
            implements java.io.Serializable {
    }
}
