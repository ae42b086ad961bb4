package io.dse4j.spi;

/**
 * The points a backend works on: n points of {@code dims} coordinates, all finite, stored column-major (coordinate
 * k of point i at {@code values[k·n + i]}) — the layout BLAS wants for X·Xᵀ and the one the CPU Gram kernel
 * streams. Owned by the callee once passed; never modified.
 */
public record Points(int n, int dims, double[] values) {

    public Points {
        if (n < 0 || dims < 0 || values.length != (long) n * dims) {
            throw new IllegalArgumentException("Points: " + values.length + " values do not make " + n + "×" + dims);
        }
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
        return new Points(m, dims, out);
    }
}
