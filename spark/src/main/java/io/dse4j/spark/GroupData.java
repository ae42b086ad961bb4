package io.dse4j.spark;

import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.InvalidInputException;
import io.dse4j.Matrix;
import io.dse4j.io.MatrixFiles;
import scala.Tuple2;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One group's points (and labels) on its executor, in the table's order: the rows of the group's partition as they
 * stream in (sorted by position), keeping only those the core library's subsample takes beyond maxN — so a group
 * of millions of rows costs the memory of maxN — or the one .npy file of the group read by the core library's parser.
 *
 * @param key       the group's key values
 * @param name      the group as messages name it ("group (model = m0, layer = 1)")
 * @param points    the points kept, one row each, in the table's order
 * @param labels    one label per point, or null without a label column
 * @param inputRows the group's rows before subsampling
 */
record GroupData(List<Object> key, String name, Matrix points, int[] labels, int inputRows) {

    /**
     * @param size  the group's row count (from the driver's aggregation)
     * @param maxN  the most points to keep (subsampled as {@code DiffusionSpectralEntropy.subsampleRows} does)
     * @return null for a partition without rows (none: every group has rows, but Spark may hand out an empty one)
     * @throws InvalidInputException naming the column, the group and the row, for what the driver's checks could
     *                               not see (a null inside a vector, a .npy file the parser refuses)
     */
    static GroupData of(Iterator<Tuple2<GroupedTable.GroupPosition, ShuffledRow>> rows, Spec spec,
                        List<Object> key, int size, int maxN, long seed) {
        if (!rows.hasNext()) {
            return null;
        }
        String name = GroupedTable.describe(spec.groups(), key);
        if (spec.kind() == GroupedTable.VectorKind.NPY_FILE) {
            byte[] content = rows.next()._2().getContent();
            try {
                Matrix x = MatrixFiles.readNpy(content, name);
                return new GroupData(key, name, x, null, x.rows());
            } catch (IOException e) {
                throw new InvalidInputException("vectors", e.getMessage());
            }
        }
        int[] chosen = DiffusionSpectralEntropy.subsampleRows(size, maxN, seed);
        double[][] x = new double[chosen.length][];
        int[] labels = spec.labels() == null ? null : new int[chosen.length];
        List<Object> labelValues = labels == null ? null : new ArrayList<>(chosen.length);
        int rank = 0;
        int kept = 0;
        int length = -1;
        while (rows.hasNext()) {
            ShuffledRow row = rows.next()._2();
            if (kept < chosen.length && chosen[kept] == rank) {
                x[kept] = doubles(row, name, rank, spec.vectors());
                if (length >= 0 && x[kept].length != length) {   // checked on the driver; kept for a changed table
                    throw new InvalidInputException("vectors", name + ": row " + rank + " of the group has "
                            + x[kept].length + " values in '" + spec.vectors() + "', an earlier row " + length
                            + "; every vector of a group must have the same length");
                }
                length = x[kept].length;
                if (labelValues != null) {
                    labelValues.add(row.getLabelText() != null ? row.getLabelText() : row.getLabelNumber());
                }
                kept++;
            }
            rank++;
        }
        if (rank != size) {
            throw new IllegalStateException(name + " arrived with " + rank + " rows where the table had " + size
                    + "; the table changed while the job ran");
        }
        int[] codes = labelValues == null ? null : LabelCodes.of(labelValues, spec.labels(), name);
        return new GroupData(key, name, Matrix.of(x), codes, size);
    }

    /** A row's vector as doubles; null only when it held a null element (the driver refused null vectors). */
    private static double[] doubles(ShuffledRow row, String group, int rank, String column) {
        if (row.getDoubles() != null) {
            return row.getDoubles();   // made for this task by the shuffle: nobody else holds it
        }
        float[] f = row.getFloats();
        if (f == null) {
            throw new InvalidInputException("vectors", group + ": row " + rank + " of the group has a null inside '"
                    + column + "'; a point's values must all be numbers");
        }
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }

    /** What a task needs to know of the table's columns. */
    record Spec(String[] groups, String vectors, String labels, GroupedTable.VectorKind kind)
            implements
                java.io.Serializable {
    }
}
