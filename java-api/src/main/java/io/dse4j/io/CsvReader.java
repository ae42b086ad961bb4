package io.dse4j.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Reads delimited text: one point per line, values separated by commas or by whitespace (tabs, spaces), blank lines
 * and lines starting with '#' ignored, a UTF-8 byte-order mark before the first line ignored.
 *
 * <p>The first line is a header when none of its cells reads as a number; a first line with both numbers and text
 * is refused, since it is a data row with a typo as often as a header, and dropping it would lose a point without a
 * word. A header whose first cell is empty is the one pandas writes above its index column ({@code to_csv()}
 * without {@code index=False}): that first column is dropped, with a warning on the {@code io.dse4j} logger.
 *
 * <p>Every value must be a finite decimal number ({@link DecimalSyntax}); errors name the file and the 1-based line
 * and column.
 */
final class CsvReader {

    private static final System.Logger LOG = System.getLogger("io.dse4j");
    private static final Pattern COMMA = Pattern.compile("\\s*,\\s*");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private CsvReader() {
    }

    static NpyArray read(BufferedReader reader, String name) throws IOException {
        return read(reader, name, note -> LOG.log(Level.WARNING, note));
    }

    /** As {@link #read(BufferedReader, String)}, handing the note about a dropped index column to {@code warn}. */
    static NpyArray read(BufferedReader reader, String name, Consumer<String> warn) throws IOException {
        // One growing flat array, not a list of row arrays: a short row costs 8 bytes a value, not an object each.
        double[] flat = new double[1024];
        int filled = 0;
        int rowCount = 0;
        int cellsPerRow = -1;       // as in the file, a dropped index column included
        int droppedColumns = 0;     // 1 below a pandas index header
        boolean sawFirstLine = false;
        int lineNumber = 0;
        String line;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == BYTE_ORDER_MARK) {
                line = line.substring(1);   // Java's UTF-8 decoder keeps the mark; Excel and PowerShell write one
            }
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] cells = (trimmed.contains(",") ? COMMA : WHITESPACE).split(trimmed, -1);
            for (int c = 0; c < cells.length; c++) {
                cells[c] = cells[c].strip();    // \s in the patterns is ASCII; strip() also takes Unicode spaces
            }
            if (!sawFirstLine) {
                sawFirstLine = true;
                if (isHeader(cells, name, lineNumber)) {
                    if (cells[0].isEmpty()) {
                        droppedColumns = 1;
                        warn.accept(name + ": the header's first cell is empty, as pandas writes its "
                                + "index; the first column was dropped (write the file with index=False to avoid "
                                + "this)");
                    }
                    continue;
                }
            }
            if (cellsPerRow < 0) {
                cellsPerRow = cells.length;
            } else if (cells.length != cellsPerRow) {
                throw new MatrixFileException(name + ": line " + lineNumber + " has " + cells.length
                        + " values but the first data row has " + cellsPerRow);
            }
            if (cells.length <= droppedColumns) {
                throw new MatrixFileException(name + ": line " + lineNumber
                        + " has no values besides the pandas index column");
            }
            int width = cells.length - droppedColumns;
            if (flat.length - filled < width) {
                long grown = Math.max((long) filled + width, flat.length + (flat.length >> 1));
                if (grown > NpyReader.MAX_ARRAY) {
                    throw new MatrixFileException(name + ": more values than one Java array holds ("
                            + NpyReader.MAX_ARRAY + ") by line " + lineNumber);
                }
                flat = java.util.Arrays.copyOf(flat, (int) grown);
            }
            for (int c = droppedColumns; c < cells.length; c++) {
                flat[filled++] = value(cells[c], name, lineNumber, c + 1);
            }
            rowCount++;
        }
        if (rowCount == 0) {
            throw new MatrixFileException(name + ": no data rows");
        }
        int cols = cellsPerRow - droppedColumns;
        return new NpyArray(new long[] {rowCount, cols}, "f8", java.util.Arrays.copyOf(flat, filled));
    }

    /**
     * Whether the first line is a header: no cell reads as a number (the words for NaN and infinity count as
     * numbers, so that a row of them is reported rather than dropped). A line with both is refused.
     */
    private static boolean isHeader(String[] cells, String name, int lineNumber) throws MatrixFileException {
        int firstText = -1;
        boolean anyNumber = false;
        for (int c = 0; c < cells.length; c++) {
            if (DecimalSyntax.isDecimal(cells[c]) || DecimalSyntax.isNonFiniteWord(cells[c])) {
                anyNumber = true;
            } else if (firstText < 0) {
                firstText = c;
            }
        }
        if (firstText < 0) {
            return false;
        }
        if (!anyNumber) {
            return true;
        }
        String hint = firstText == 0 && cells[0].isEmpty()
                ? " (pandas writes such a line for numbered columns; write the file with index=False, header=False)"
                : "";
        throw new MatrixFileException(name + ": line " + lineNumber + ", column " + (firstText + 1) + ": '"
                + cells[firstText] + "' is not a number, but other cells of this first line are; a header must "
                + "have no numeric cells" + hint);
    }

    private static double value(String cell, String name, int lineNumber, int column) throws MatrixFileException {
        String where = name + ": line " + lineNumber + ", column " + column + ": ";
        if (DecimalSyntax.isDecimal(cell)) {
            double value = Double.parseDouble(cell);
            if (Double.isInfinite(value)) {
                throw new MatrixFileException(where + "'" + cell
                        + "' is beyond the range of a double (about ±1.8e308)");
            }
            return value;
        }
        if (DecimalSyntax.isNonFiniteWord(cell)) {
            throw new MatrixFileException(where + "'" + cell + "' is not a finite number");
        }
        if (cell.isEmpty()) {
            // pandas writes a missing value (NaN) as an empty cell.
            throw new MatrixFileException(where + "the cell is empty; every value must be a finite number");
        }
        throw new MatrixFileException(where + "'" + cell + "' is not a number");
    }
}
