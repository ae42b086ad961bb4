package io.dse4j;

import java.util.Objects;

/**
 * A read-only view of an N×D matrix of points (one point per row), over the caller's arrays without copying them.
 * The computations copy the rows they use, so the arrays may be reused once a computation has returned; they must
 * not be changed while one is running.
 */
public final class Matrix {

    private final int rows;
    private final int cols;
    private final Storage storage;

    private Matrix(int rows, int cols, Storage storage) {
        this.rows = rows;
        this.cols = cols;
        this.storage = storage;
    }

    /** A view of {@code data[i][j]} = row i, column j. Every row must have the same length. */
    public static Matrix of(double[][] data) {
        int cols = checkRows(data, data == null ? 0 : data.length, i -> data[i] == null ? -1 : data[i].length);
        return new Matrix(data.length, cols, new Storage((row, col) -> data[row][col],
                (row, dest, offset, count) -> System.arraycopy(data[row], 0, dest, offset, count)));
    }

    /** A view of {@code data[i][j]} = row i, column j, in single precision. Every row must have the same length. */
    public static Matrix of(float[][] data) {
        int cols = checkRows(data, data == null ? 0 : data.length, i -> data[i] == null ? -1 : data[i].length);
        return new Matrix(data.length, cols, new Storage((row, col) -> data[row][col],
                (row, dest, offset, count) -> {
                    float[] values = data[row];
                    for (int j = 0; j < count; j++) {
                        dest[offset + j] = values[j];
                    }
                }));
    }

    /** A view of a row-major array: element (i, j) is {@code data[i·cols + j]}; the length must be rows·cols. */
    public static Matrix ofRowMajor(double[] data, int rows, int cols) {
        checkFlat(data == null ? -1 : data.length, rows, cols);
        return new Matrix(rows, cols, new Storage((row, col) -> data[row * cols + col],
                (row, dest, offset, count) -> System.arraycopy(data, row * cols, dest, offset, count)));
    }

    /** A view of a row-major array in single precision: element (i, j) is {@code data[i·cols + j]}. */
    public static Matrix ofRowMajor(float[] data, int rows, int cols) {
        checkFlat(data == null ? -1 : data.length, rows, cols);
        return new Matrix(rows, cols, new Storage((row, col) -> data[row * cols + col],
                (row, dest, offset, count) -> {
                    for (int j = 0, from = row * cols; j < count; j++) {
                        dest[offset + j] = data[from + j];
                    }
                }));
    }

    /**
     * A view of a row-major buffer from its position: element (i, j) is {@code buffer.get(position + i·cols + j)};
     * the buffer needs rows·cols elements remaining. Not copied: it must not change while a computation runs.
     */
    public static Matrix ofRowMajor(java.nio.FloatBuffer buffer, int rows, int cols) {
        checkFlat(buffer == null ? -1 : buffer.remaining(), rows, cols);
        java.nio.FloatBuffer view = buffer.slice();
        return new Matrix(rows, cols, Storage.valueByValue((i, j) -> view.get(i * cols + j)));
    }

    /** As {@link #ofRowMajor(java.nio.FloatBuffer, int, int)} for doubles. */
    public static Matrix ofRowMajor(java.nio.DoubleBuffer buffer, int rows, int cols) {
        checkFlat(buffer == null ? -1 : buffer.remaining(), rows, cols);
        java.nio.DoubleBuffer view = buffer.slice();
        return new Matrix(rows, cols, new Storage((row, col) -> view.get(row * cols + col),
                (row, dest, offset, count) -> view.get(row * cols, dest, offset, count)));
    }

    /**
     * A view of row-major floats in native memory (a tensor a framework hands over, a mapped file): element (i, j)
     * at {@code segment.getAtIndex(layout, i·cols + j)}, with the layout's byte order. Not copied: the segment must
     * stay alive and unchanged while a computation runs (the computations copy the rows they use).
     */
    public static Matrix ofRowMajor(java.lang.foreign.MemorySegment segment,
                                    java.lang.foreign.ValueLayout.OfFloat layout, int rows, int cols) {
        checkSegment(segment, layout, rows, cols);
        return new Matrix(rows, cols,
                Storage.valueByValue((i, j) -> segment.getAtIndex(layout, (long) i * cols + j)));
    }

    /** As {@link #ofRowMajor(java.lang.foreign.MemorySegment, java.lang.foreign.ValueLayout.OfFloat, int, int)}. */
    public static Matrix ofRowMajor(java.lang.foreign.MemorySegment segment,
                                    java.lang.foreign.ValueLayout.OfDouble layout, int rows, int cols) {
        checkSegment(segment, layout, rows, cols);
        return new Matrix(rows, cols, new Storage((row, col) -> segment.getAtIndex(layout, (long) row * cols + col),
                (row, dest, offset, count) -> java.lang.foreign.MemorySegment.copy(segment, layout,
                        (long) row * cols * layout.byteSize(), dest, offset, count)));
    }

    private static void checkSegment(java.lang.foreign.MemorySegment segment, java.lang.foreign.ValueLayout layout,
                                     int rows, int cols) {
        if (segment == null || layout == null) {
            throw new InvalidInputException("matrix", "the segment and its layout must not be null");
        }
        if (rows < 0 || cols < 0) {
            throw new InvalidInputException("matrix", "rows and cols must be non-negative, got " + rows + "×" + cols);
        }
        long needed = (long) rows * cols * layout.byteSize();
        if (segment.byteSize() < needed) {
            throw new InvalidInputException("matrix", "a row-major " + rows + "×" + cols + " matrix of "
                    + layout.byteSize() + "-byte values needs " + needed + " bytes, the segment holds "
                    + segment.byteSize());
        }
    }

    /** The number of rows (points), N. */
    public int rows() {
        return rows;
    }

    /** The number of columns (dimensions), D. */
    public int cols() {
        return cols;
    }

    /** Element (row, col). */
    public double get(int row, int col) {
        Objects.checkIndex(row, rows);
        Objects.checkIndex(col, cols);
        return storage.get(row, col);
    }

    /** A copy of one row. */
    public double[] row(int row) {
        Objects.checkIndex(row, rows);
        double[] copy = new double[cols];
        storage.copyRow(row, copy, 0, cols);
        return copy;
    }

    @Override
    public String toString() {
        return "Matrix[" + rows + "×" + cols + "]";
    }

    /** Element access without bounds checks on the view's own shape (the storage's arrays still check). */
    double at(int row, int col) {
        return storage.get(row, col);
    }

    /**
     * Row {@code row} widened to double into {@code dest[offset … offset + cols)}: one call per row, so that the
     * computations' copies run as a bulk copy or one tight loop per storage instead of a call per value (at N·D in
     * the hundreds of thousands, most of a cold run's preparation otherwise).
     */
    void copyRow(int row, double[] dest, int offset) {
        storage.copyRow(row, dest, offset, cols);
    }

    /** Where the values live: each value, and each row in bulk (an array copy, or one tight loop of its own). */
    private record Storage(Values values, Rows rows) {
        /** A storage whose rows are copied value by value. */
        static Storage valueByValue(Values values) {
            return new Storage(values, (row, dest, offset, count) -> {
                for (int j = 0; j < count; j++) {
                    dest[offset + j] = values.get(row, j);
                }
            });
        }

        double get(int row, int col) {
            return values.get(row, col);
        }

        void copyRow(int row, double[] dest, int offset, int count) {
            rows.copy(row, dest, offset, count);
        }
    }

    @FunctionalInterface
    private interface Values {
        double get(int row, int col);
    }

    @FunctionalInterface
    private interface Rows {
        void copy(int row, double[] dest, int offset, int count);
    }

    private static int checkRows(Object data, int length, java.util.function.IntUnaryOperator rowLength) {
        if (data == null) {
            throw new InvalidInputException("matrix", "must not be null");
        }
        if (length == 0) {
            return 0;
        }
        int cols = rowLength.applyAsInt(0);
        for (int i = 0; i < length; i++) {
            int len = rowLength.applyAsInt(i);
            if (len < 0) {
                throw new InvalidInputException("matrix", "row " + i + " is null");
            }
            if (len != cols) {
                throw new InvalidInputException("matrix", "ragged rows: row 0 has " + cols + " columns but row "
                        + i + " has " + len + "; every row must have the same length");
            }
        }
        return cols;
    }

    private static void checkFlat(int length, int rows, int cols) {
        if (length < 0) {
            throw new InvalidInputException("matrix", "must not be null");
        }
        if (rows < 0 || cols < 0) {
            throw new InvalidInputException("matrix", "rows and cols must be non-negative, got " + rows + "×" + cols);
        }
        if ((long) rows * cols != length) {
            throw new InvalidInputException("matrix", "a row-major array of " + rows + "×" + cols + " needs "
                    + ((long) rows * cols) + " elements, got " + length);
        }
    }
}
