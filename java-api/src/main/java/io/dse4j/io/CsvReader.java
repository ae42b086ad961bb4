package io.dse4j.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads delimited text: one point per line, values separated by commas or by whitespace (tabs, spaces), an
 * optional header row (a first line with any non-numeric cell), blank lines and lines starting with '#' ignored.
 */
final class CsvReader {

    private static final Pattern COMMA = Pattern.compile("\\s*,\\s*");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private CsvReader() {
    }

    static NpyArray read(BufferedReader reader, String name) throws IOException {
        List<double[]> rows = new ArrayList<>();
        int cols = -1;
        int lineNumber = 0;
        boolean sawFirstLine = false;
        String line;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] cells = (trimmed.contains(",") ? COMMA : WHITESPACE).split(trimmed, -1);
            boolean first = !sawFirstLine;
            sawFirstLine = true;
            double[] values = new double[cells.length];
            for (int c = 0; c < cells.length; c++) {
                String cell = cells[c].strip();
                try {
                    values[c] = Double.parseDouble(cell);
                } catch (NumberFormatException e) {
                    if (first) {
                        values = null;
                        break;
                    }
                    throw new MatrixFileException(name + ": line " + lineNumber + ", column " + (c + 1)
                            + ": '" + cell + "' is not a number");
                }
            }
            if (values == null) {
                continue;   // the header row
            }
            if (cols < 0) {
                cols = values.length;
            } else if (values.length != cols) {
                throw new MatrixFileException(name + ": line " + lineNumber + " has " + values.length
                        + " values but the first data row has " + cols);
            }
            rows.add(values);
        }
        if (rows.isEmpty()) {
            throw new MatrixFileException(name + ": no data rows");
        }
        double[] flat = new double[Math.multiplyExact(rows.size(), cols)];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, flat, i * cols, cols);
        }
        return new NpyArray(new long[] {rows.size(), cols}, "f8", flat);
    }
}
