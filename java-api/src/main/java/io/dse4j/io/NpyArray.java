package io.dse4j.io;

import io.dse4j.Matrix;

import java.util.Arrays;

/**
 * A numeric array read from a {@code .npy} file (or one member of a {@code .npz}): its shape, its NumPy dtype and
 * its values in C (row-major) order, widened to double (exact for every supported dtype except 64-bit integers
 * beyond 2⁵³).
 */
public final class NpyArray {

    private final long[] shape;
    private final String dtype;
    private final double[] values;

    NpyArray(long[] shape, String dtype, double[] values) {
        this.shape = shape;
        this.dtype = dtype;
        this.values = values;
    }

    /** The shape, as NumPy gives it (empty for a scalar). */
    public long[] shape() {
        return shape.clone();
    }

    /** The NumPy type code without byte order, e.g. {@code f8}, {@code i4}, {@code b1}. */
    public String dtype() {
        return dtype;
    }

    /** Whether the stored values are integers (signed, unsigned or boolean). */
    public boolean isIntegral() {
        return dtype.charAt(0) != 'f';
    }

    /** The number of elements. */
    public int size() {
        return values.length;
    }

    /** The values themselves, not a copy, for this package's readers. */
    double[] rawValues() {
        return values;
    }

    /** A copy of the values in C order. */
    public double[] values() {
        return values.clone();
    }

    /**
     * The array as points: 1-D as N×1, 2-D as is, more dimensions flattened to N×(product of the rest), as the
     * reference does with images.
     */
    public Matrix toMatrix() {
        if (shape.length == 0) {
            throw new io.dse4j.InvalidInputException("array", "is a scalar; a matrix needs at least one dimension");
        }
        int rows = (int) shape[0];
        int cols = rows == 0 ? 0 : values.length / rows;
        if (shape.length == 1) {
            cols = 1;
        }
        return Matrix.ofRowMajor(values, rows, cols);
    }

    @Override
    public String toString() {
        return "NpyArray[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}
