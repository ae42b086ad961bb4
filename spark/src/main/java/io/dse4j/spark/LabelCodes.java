package io.dse4j.spark;

import io.dse4j.InvalidInputException;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

import java.util.List;
import java.util.TreeMap;

/**
 * A group's label values as the int labels of {@code MutualInformation.compute(Matrix, int[])}: integers as they are
 * (they must fit an int), strings by their rank among the group's distinct strings in ascending order — so that the
 * classes come in the same order either way and the subsets drawn for them are those the core library draws for the
 * same integer labels.
 */
final class LabelCodes {

    private LabelCodes() {
    }

    static boolean accepts(DataType type) {
        return type.equals(DataTypes.ByteType) || type.equals(DataTypes.ShortType)
                || type.equals(DataTypes.IntegerType) || type.equals(DataTypes.LongType)
                || type.equals(DataTypes.StringType);
    }

    /**
     * @param values one label per row (not null: the driver refused null labels)
     * @param column the label column, for messages
     * @param group  the group, for messages
     */
    static int[] of(List<Object> values, String column, String group) {
        int[] out = new int[values.size()];
        if (!values.isEmpty() && values.get(0) instanceof String) {
            TreeMap<String, Integer> rank = new TreeMap<>();
            for (Object v : values) {
                rank.put((String) v, 0);
            }
            int next = 0;
            for (var e : rank.entrySet()) {
                e.setValue(next++);
            }
            for (int i = 0; i < out.length; i++) {
                out[i] = rank.get((String) values.get(i));
            }
            return out;
        }
        for (int i = 0; i < out.length; i++) {
            long v = ((Number) values.get(i)).longValue();
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new InvalidInputException("labels", group + ": row " + i + " of the group has label " + v
                        + " in '" + column + "'; labels must fit a 32-bit int");
            }
            out[i] = (int) v;
        }
        return out;
    }
}
