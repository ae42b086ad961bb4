package io.dse4j;

import io.dse4j.io.MatrixFile;
import io.dse4j.spi.Points;

import java.io.IOException;
import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * The points a computation works on, prepared from the caller's matrix: the shape checked, the chosen rows gathered
 * into the backends' column-major layout, centred at their mean, with NaN, infinities and values whose squared
 * distances would overflow refused naming the row and column.
 */
final class PreparedPoints {

    private PreparedPoints() {
    }

    /** Refuses a null matrix, fewer than 2 rows or no column. */
    static void checkShape(Matrix x) {
        if (x == null) {
            throw new InvalidInputException("matrix", "must not be null");
        }
        if (x.rows() < 2) {
            throw new InvalidInputException("matrix", "needs at least 2 rows (points), got " + x.rows());
        }
        if (x.cols() < 1) {
            throw new InvalidInputException("matrix", "needs at least 1 column (dimension), got 0");
        }
    }

    /**
     * Copies the chosen rows into the backend's column-major layout, centred at their mean, refusing NaN and
     * infinities, and values so large that the squared distances would overflow in the working precision (see
     * {@link #checkSquaredRange}).
     *
     * <p>Centring does not change a distance, but it is what keeps the Gram formula ‖xᵢ‖² + ‖xⱼ‖² − 2xᵢ·xⱼ accurate:
     * for points far from the origin the three terms are huge and nearly cancel (in f32, points at 1000 with spread 1
     * lose every digit of d²); about their mean, the terms are of the size of the distances themselves — for points
     * spread about it. Where they are not (a far outlier moves the mean away from every other point; two far
     * clusters), the backends recompute the entries that cancel by differences of the original coordinates, which
     * the returned points keep (a second copy of the N·D values).
     */
    static Points gather(Matrix x, int[] rows, Precision precision) {
        int n = rows == null ? x.rows() : rows.length;
        int dims = x.cols();
        double[] values = columnMajor(x, rows, "", null);
        double[] means = checkSquaredRange(values, n, dims, precision,
                position -> "row " + (rows == null ? position : rows[position]) + " (0-based)");
        // The original coordinates are kept, row-major, for the distances that cancel in the centred Gram expansion
        // — unless centring rounds nothing (float inputs about a mean near them, often): then the centred values'
        // differences are the originals' and no copy is made.
        double[] original = centringRounds(values, n, dims, means) ? rowMajor(values, n, dims) : null;
        for (int j = 0; j < dims; j++) {
            double mean = means[j];
            for (int i = 0; i < n; i++) {
                values[j * n + i] -= mean;
            }
        }
        return new Points(n, dims, values, original);
    }

    /**
     * The chosen rows of {@code x} (all when {@code rows} is null), column-major and not centred, NaN and infinities
     * refused naming the row and column: for the measures that take the values as they are (RankMe, the von Neumann
     * entropy).
     */
    static double[] columnMajor(Matrix x, int[] rows) {
        return columnMajor(x, rows, "", null);
    }

    /**
     * The chosen rows of {@code x} (all when {@code rows} is null), column-major (value (i, j) at j·n + i), each row
     * read with one {@link Matrix#copyRow} call; NaN and infinities refused, named by {@code source} (a file's name
     * and a colon, or nothing) and the row's number: in {@code x}, or {@code numbers[row]} when those are given (the
     * rows of a file that a subsample holds).
     */
    private static double[] columnMajor(Matrix x, int[] rows, String source, int[] numbers) {
        int n = rows == null ? x.rows() : rows.length;
        int dims = x.cols();
        if ((long) n * dims > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("matrix", n + "×" + dims + " values exceed one Java array; lower maxN");
        }
        double[] values = new double[n * dims];
        double[] row = new double[dims];
        for (int i = 0; i < n; i++) {
            int at = rows == null ? i : rows[i];
            x.copyRow(at, row, 0);
            for (int j = 0; j < dims; j++) {
                double v = row[j];
                if (!Double.isFinite(v)) {
                    throw new InvalidInputException("matrix", source + "the value at row "
                            + (numbers == null ? at : numbers[at]) + ", column " + j
                            + " (0-based) is " + v + "; every value must be finite");
                }
                values[j * n + i] = v;
            }
        }
        return values;
    }

    /** Whether some x − mean of the column-major values rounds (Knuth's TwoSum: its error is exactly 0 otherwise). */
    private static boolean centringRounds(double[] values, int n, int dims, double[] means) {
        for (int j = 0; j < dims; j++) {
            double shift = -means[j];
            for (int i = 0; i < n; i++) {
                double x0 = values[j * n + i];
                double centred = x0 + shift;
                double back = centred - x0;
                if ((x0 - (centred - back)) + (shift - back) != 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The column-major n×dims values, row-major. */
    static double[] rowMajor(double[] values, int n, int dims) {
        double[] out = new double[values.length];
        for (int j = 0; j < dims; j++) {
            for (int i = 0; i < n; i++) {
                out[i * dims + j] = values[j * n + i];
            }
        }
        return out;
    }

    /**
     * The squared distances are formed as ‖xᵢ‖² + ‖xⱼ‖² − 2xᵢ·xⱼ of the centred points (the Gram matrix, cuBLAS
     * {@code syrk} on the GPU) and stored in the working precision, so every term — at most 4·max‖xᵢ − x̄‖² in
     * magnitude — must be finite there: a finite input whose squares overflow would otherwise become ∞ and NaN deep
     * inside the kernel. Rescaling the data is not done silently: it changes the kernel unless σ is scaled with it,
     * which is the user's choice.
     *
     * @param values  the n points, column-major (value (i, j) at j·n + i), finite
     * @param rowName how a message names the row at position i of {@code values}
     * @return the column means x̄, each taken as x₀ + Σ (xᵢ − x₀)/n about the first row x₀: no sum overflows, and
     *         points that are all equal (or nearly) far from the origin centre to exactly zero (or nearly) — a plain
     *         Σ xᵢ/n would leave residues of the size of the mean's rounding, which at 1e200 square to ∞
     */
    static double[] checkSquaredRange(double[] values, int n, int dims, Precision precision,
                                      IntFunction<String> rowName) {
        double[] means = new double[dims];
        for (int j = 0; j < dims; j++) {
            double origin = values[j * n];
            double shift = 0;
            for (int i = 0; i < n; i++) {
                shift += (values[j * n + i] - origin) / n;
            }
            means[j] = origin + shift;
        }
        // The farthest row by its distance from the mean, scaled by its largest component (as hypot does) so the
        // comparison itself cannot overflow; NaN (a difference that overflowed) counts as farthest. Walked column by
        // column (contiguous in this layout) with a scale and a sum per row; each row's sum still adds its
        // components in column order.
        double[] scales = new double[n];
        for (int j = 0; j < dims; j++) {
            double mean = means[j];
            for (int i = 0; i < n; i++) {
                scales[i] = Math.max(scales[i], Math.abs(values[j * n + i] - mean));
            }
        }
        double[] sums = new double[n];
        for (int j = 0; j < dims; j++) {
            double mean = means[j];
            for (int i = 0; i < n; i++) {
                double scale = scales[i];
                if (scale > 0 && Double.isFinite(scale)) {
                    double ratio = (values[j * n + i] - mean) / scale;
                    sums[i] += ratio * ratio;
                }
            }
        }
        double largest = 0;
        int farthest = 0;
        for (int i = 0; i < n; i++) {
            double scale = scales[i];
            double distance = Double.isFinite(scale) ? scale * Math.sqrt(sums[i]) : Double.POSITIVE_INFINITY;
            if (!(distance <= largest)) {
                largest = distance;
                farthest = i;
            }
        }
        largest = largest * largest;   // squared; ∞ when it overflows, as it would in the Gram matrix
        double limit = precision == Precision.F32 ? Float.MAX_VALUE : Double.MAX_VALUE;
        if (4 * largest <= limit) {
            return means;
        }
        String norm = Double.isFinite(largest)
                ? "‖x − x̄‖² = " + String.format(java.util.Locale.ROOT, "%.3g", largest)
                : "‖x − x̄‖² beyond the range of a double";
        String hint = precision == Precision.F32 && 4 * largest <= Double.MAX_VALUE
                ? "use precision f64, or rescale the data (and σ with it)"
                : "rescale the data (and σ with it)";
        throw new InvalidInputException("matrix", "values too large for the squared distances in "
                + precision.label() + ": " + rowName.apply(farthest) + " has " + norm + " from the points' mean x̄,"
                + " and squared distances up to 4·max‖x − x̄‖² must stay below "
                + String.format(java.util.Locale.ROOT, "%.3g", limit) + " (every point within "
                + String.format(java.util.Locale.ROOT, "%.3g", Math.sqrt(limit / 4)) + " of the mean in "
                + precision.label() + "); " + hint);
    }

    /**
     * The rows of {@code file} a computation uses — all, or the seeded subsample beyond maxN — read only after the
     * checks that need no data (the shape; whether that many rows fit the heap, and {@code checkFits} for the
     * backend), and checked once read as {@link #gather} checks them, but named by the file and its own row numbers
     * (a position in the subsample would mislead).
     *
     * @param precision the precision whose range the squared distances must fit
     */
    static Matrix readUsedRows(MatrixFile file, int maxN, long seed, Precision precision, IntConsumer checkFits)
            throws IOException {
        if (file == null) {
            throw new InvalidInputException("file", "must not be null");
        }
        if (file.rows() < 2 || file.cols() < 1) {
            throw new InvalidInputException("matrix", file.name() + ": needs at least 2 rows (points) and 1 column"
                    + " (dimension); its shape " + Arrays.toString(file.shape()) + " gives N = " + file.rows()
                    + ", D = " + file.cols());
        }
        int used = Math.min(file.rows(), maxN);
        long bytes = 8L * used * file.cols();
        if (bytes > Runtime.getRuntime().maxMemory()) {
            throw new InvalidInputException("maxN", file.name() + ": " + used + " rows × " + file.cols()
                    + " columns need " + io.dse4j.spi.Bytes.format(bytes) + " as doubles, more than the whole Java"
                    + " heap (" + io.dse4j.spi.Bytes.format(Runtime.getRuntime().maxMemory())
                    + "); lower maxN (--max-n) or raise -Xmx");
        }
        checkFits.accept(used);
        int[] rows = Subsampling.usedRows(file.rows(), maxN, seed);
        Matrix x = rows == null ? file.read() : file.readRows(rows);
        checkSquaredRange(columnMajor(x, null, file.name() + ": ", rows), x.rows(), x.cols(), precision,
                position -> file.name() + ": row " + (rows == null ? position : rows[position]) + " (0-based)");
        return x;
    }
}
