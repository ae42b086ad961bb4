package io.dse4j.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads delimited text: one point per line, values separated by commas or by whitespace (tabs, spaces), blank lines
 * and lines starting with '#' ignored, a UTF-8 byte-order mark before the first line ignored.
 *
 * <p>A cell may be quoted as pandas and Python's {@code csv} module write it: {@code "…"}, with {@code ""} for a
 * quote inside; it is then read by its content, on every line alike, so {@code "1"} is the number 1 (as pandas reads
 * it). A quote opens a cell only at its start; one elsewhere is part of the text, as in pandas. A quoted cell must
 * close on its line (a number never spans lines) and be followed by its delimiter or the end of the line.
 *
 * <p>The first line is a header when none of its cells reads as a number; a first line with both numbers and text
 * is refused, since it is a data row with a typo as often as a header, and dropping it would lose a point without a
 * word. Empty cells are not text: a first line of numbers and empty cells is data, whose empty cells are refused as
 * such (for one at the end of the line, as the trailing comma it is). A header whose first cell is empty is the one
 * pandas writes above its index column ({@code to_csv()} without {@code index=False}): that first column is dropped,
 * with a warning on the {@code io.dse4j} logger.
 *
 * <p>A comma at the end of every line (a trailing delimiter) is refused, naming the first line and its empty last
 * cell: pandas reads it as one more column, named {@code Unnamed: K}, of NaN, which is not a coordinate, and dropping
 * it silently would hide a file that is not what its writer meant.
 *
 * <p>Every value must be a finite decimal number ({@link DecimalSyntax}); errors name the file and the 1-based line
 * and column.
 */
final class CsvReader {

    private static final System.Logger LOG = System.getLogger("io.dse4j");
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
            Cells split = split(trimmed, name, lineNumber);
            String[] cells = split.values();
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
                        + " values but the first data row has " + cellsPerRow
                        + (split.endsWithComma() ? " (it ends with a comma)" : ""));
            }
            if (cells.length <= droppedColumns) {
                throw new MatrixFileException(name + ": line " + lineNumber
                        + " has no values besides the pandas index column");
            }
            if (rowCount == 0 && split.endsWithComma()) {
                // The first data row sets the width, so this empty cell is either a missing value or one more
                // column that every line has; the message gives both readings and the pandas name of the second.
                int last = cells.length - 1;
                throw new MatrixFileException(name + ": line " + lineNumber + ", column " + (last + 1) + ": the line "
                        + "ends with a comma, so its last cell is empty; every value must be a finite number. A comma "
                        + "at the end of every line (a trailing delimiter) makes one more column, which pandas reads "
                        + "as NaN ('Unnamed: " + last + "'): remove the trailing commas");
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
     * numbers, so that a row of them is reported rather than dropped). A line with numbers and text is refused; one
     * with numbers and empty cells only is data (its empty cells are then refused as such), but for an empty first
     * cell, which is what pandas writes above an index and numbered columns.
     */
    private static boolean isHeader(String[] cells, String name, int lineNumber) throws MatrixFileException {
        int firstText = -1;
        boolean anyNumber = false;
        for (int c = 0; c < cells.length; c++) {
            if (DecimalSyntax.isDecimal(cells[c]) || DecimalSyntax.isNonFiniteWord(cells[c])) {
                anyNumber = true;
            } else if (firstText < 0 && !cells[c].isEmpty()) {
                firstText = c;
            }
        }
        if (!anyNumber) {
            return true;
        }
        if (cells[0].isEmpty()) {
            throw new MatrixFileException(name + ": line " + lineNumber + ", column 1: '' is not a number, but other "
                    + "cells of this first line are; a header must have no numeric cells (pandas writes such a line "
                    + "for numbered columns; write the file with index=False, header=False)");
        }
        if (firstText < 0) {
            return false;
        }
        throw new MatrixFileException(name + ": line " + lineNumber + ", column " + (firstText + 1) + ": '"
                + cells[firstText] + "' is not a number, but other cells of this first line are; a header must "
                + "have no numeric cells");
    }

    /**
     * The cells of a line (stripped, not empty), quotes removed, and whether it ends with a comma (its last cell
     * empty and not quoted).
     */
    private record Cells(String[] values, boolean endsWithComma) {
    }

    /**
     * Splits a line (stripped, not empty) into cells: at commas when it has one outside a quoted cell, else at runs
     * of whitespace; each cell stripped, a quoted one read by its content.
     */
    private static Cells split(String line, String name, int lineNumber) throws MatrixFileException {
        boolean commas = hasCommaOutsideQuotes(line);
        List<String> cells = new ArrayList<>();
        int n = line.length();
        int at = 0;
        boolean lastQuoted;
        while (true) {
            while (at < n && Character.isWhitespace(line.charAt(at))) {
                at++;
            }
            lastQuoted = at < n && line.charAt(at) == '"';
            if (lastQuoted) {
                int open = at++;
                StringBuilder content = new StringBuilder();
                while (true) {
                    if (at == n) {
                        throw new MatrixFileException(where(name, lineNumber, cells.size() + 1) + "the quote that "
                                + "opens this cell (character " + (open + 1) + ") is not closed on the line; a cell "
                                + "must close its quotes on its own line");
                    }
                    char c = line.charAt(at++);
                    if (c != '"') {
                        content.append(c);
                    } else if (at < n && line.charAt(at) == '"') {
                        content.append('"');    // "" inside quotes is one quote
                        at++;
                    } else {
                        break;
                    }
                }
                int closed = at;
                while (at < n && Character.isWhitespace(line.charAt(at))) {
                    at++;
                }
                if (at < n && (commas ? line.charAt(at) != ',' : at == closed)) {
                    throw new MatrixFileException(where(name, lineNumber, cells.size() + 1) + "'"
                            + line.substring(open, Math.min(n, at + 1)) + "': text follows the closing quote; a quoted "
                            + "cell ends at its delimiter (a quote inside it is written \"\")");
                }
                cells.add(content.toString());
            } else {
                int end = at;
                // The whitespace delimiter is ASCII (as \s); strip() also takes Unicode spaces at a cell's edges.
                while (end < n && (commas ? line.charAt(end) != ',' : !isAsciiSpace(line.charAt(end)))) {
                    end++;
                }
                cells.add(line.substring(at, end).strip());
                at = end;
            }
            if (at == n) {
                break;
            }
            if (commas) {
                at++;   // the comma; after the last one, the loop reads the empty cell that ends the line
            }
        }
        String last = cells.get(cells.size() - 1);
        return new Cells(cells.toArray(new String[0]), commas && !lastQuoted && last.isEmpty());
    }

    /** Whether a comma stands outside quoted cells (a quote opens one only at the line's start or after a space). */
    private static boolean hasCommaOutsideQuotes(String line) {
        boolean inQuotes = false;
        boolean cellStart = true;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (inQuotes) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        i++;
                    } else {
                        inQuotes = false;
                    }
                }
                cellStart = false;
                continue;
            }
            if (c == ',') {
                return true;
            }
            if (c == '"' && cellStart) {
                inQuotes = true;
            }
            cellStart = Character.isWhitespace(c);
        }
        return false;
    }

    private static boolean isAsciiSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    /** The start of a message about one cell (built only when there is one: a file may have millions of cells). */
    private static String where(String name, int lineNumber, int column) {
        return name + ": line " + lineNumber + ", column " + column + ": ";
    }

    private static double value(String cell, String name, int lineNumber, int column) throws MatrixFileException {
        if (DecimalSyntax.isDecimal(cell)) {
            double value = Double.parseDouble(cell);
            if (Double.isInfinite(value)) {
                throw new MatrixFileException(where(name, lineNumber, column) + "'" + cell
                        + "' is beyond the range of a double (about ±1.8e308)");
            }
            return value;
        }
        String where = where(name, lineNumber, column);
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
