package io.dse4j.spi;

/**
 * The points a backend works on: n points of {@code dims} coordinates, all finite, stored column-major (coordinate
 * k of point i at {@code values[k·n + i]}) — the layout BLAS wants for X·Xᵀ and the one the CPU Gram kernel
 * streams. Owned by the callee once passed; never modified.
 *
 * <p>{@code values} are usually the input centred at a point c (which keeps the Gram expansion of the distances
 * accurate for points spread about c); {@code original} then holds the coordinates before centring, row-major
 * (coordinate k of point i at {@code original[i·dims + k]}). Centring rounds each x − c to the precision of
 * |x − c|, so where c lies far from some points (one outlier moves the mean) their centred coordinates have lost
 * the digits that tell close points apart; a distance recomputed by differences reads the original coordinates,
 * whose difference rounds once. Null when {@code values} are the original coordinates. Row-major, since a
 * recomputed distance reads one point's D coordinates together.
 */
public record Points(int n, int dims, double[] values, double[] original) {

    public Points {
        if (n < 0 || dims < 0 || values.length != (long) n * dims) {
            throw new IllegalArgumentException("Points: " + values.length + " values do not make " + n + "×" + dims);
        }
        if (original != null && original.length != values.length) {
            throw new IllegalArgumentException("Points: " + original.length + " original coordinates for " + n + "×"
                    + dims);
        }
    }

    /** Points whose values are their original coordinates (not centred). */
    public Points(int n, int dims, double[] values) {
        this(n, dims, values, null);
    }

    /** Coordinate k of point i before centring: from {@code original}, else from {@code values}. */
    public double originalAt(int i, int k) {
        return original == null ? values[k * n + i] : original[i * dims + k];
    }

    /** The given rows, in that order, as points of their own. */
    public Points subset(int[] rows) {
        int m = rows.length;
        double[] out = new double[m * dims];
        for (int k = 0; k < dims; k++) {
            for (int i = 0; i < m; i++) {
                out[k * m + i] = values[k * n + rows[i]];
            }
        }
        double[] originalRows = null;
        if (original != null) {
            originalRows = new double[m * dims];
            for (int i = 0; i < m; i++) {
                System.arraycopy(original, rows[i] * dims, originalRows, i * dims, dims);
            }
        }
        return new Points(m, dims, out, originalRows);
    }
}
