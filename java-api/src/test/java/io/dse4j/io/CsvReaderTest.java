package io.dse4j.io;

import io.dse4j.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CSV input never loses or invents a value silently: a first line is dropped only when it is wholly a header, a
 * pandas index column is dropped with a warning, and every cell that is not a finite decimal number is an error
 * naming the file, line and column.
 */
class CsvReaderTest {

    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private Path write(String name, String text) throws IOException {
        return write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    private static double[] values(Matrix m) {
        double[] out = new double[m.rows() * m.cols()];
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.cols(); j++) {
                out[i * m.cols() + j] = m.get(i, j);
            }
        }
        return out;
    }

    private static String refusal(Path file) {
        return assertThrows(MatrixFileException.class, () -> MatrixFiles.read(file)).getMessage();
    }

    @Test
    void aByteOrderMarkBeforeTheFirstDataRowKeepsThatRow() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        bytes.write("1,2,3\n4,5,6\n".getBytes(StandardCharsets.US_ASCII));
        Matrix m = MatrixFiles.read(write("bom.csv", bytes.toByteArray()));
        assertEquals(2, m.rows(), "the row after the byte-order mark is data, not a header");
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, values(m));

        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        header.write("x,y\n1,2\n".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(new double[] {1, 2}, values(MatrixFiles.read(write("bom-header.csv", header.toByteArray()))));
    }

    @Test
    void aFirstLineMixingNumbersAndTextIsRefusedRatherThanDroppedAsAHeader() throws IOException {
        Path typo = write("typo.csv", "1.0,2.0,3.O\n4,5,6\n");
        assertEquals(typo + ": line 1, column 3: '3.O' is not a number, but other cells of this first line are; "
                + "a header must have no numeric cells", refusal(typo));
        Path commented = write("commented.txt", "# points\n\nx 2 y\n1 2 3\n");
        assertTrue(refusal(commented).contains(": line 3, column 1: 'x' is not a number"), refusal(commented));
    }

    @Test
    void aPandasIndexColumnIsDroppedWithAWarningNamingTheFile() throws IOException {
        // What DataFrame.to_csv() writes by default: an empty first header cell, then an index 0..N-1.
        Path pandas = write("pandas.csv", ",a,b,c,d,e\n0,1,2,3,4,5\n1,6,7,8,9,10\n");
        Matrix m = MatrixFiles.read(pandas);
        assertEquals(5, m.cols(), "D counts the features, not the index");
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, values(m));
        // The note MatrixFiles.read logs on the io.dse4j logger at WARNING (java.logging is not readable here).
        List<String> warnings = new ArrayList<>();
        try (var reader = Files.newBufferedReader(pandas, StandardCharsets.UTF_8)) {
            CsvReader.read(reader, pandas.toString(), warnings::add);
        }
        assertEquals(1, warnings.size(), "one warning");
        String warning = warnings.get(0);
        assertTrue(warning.startsWith(pandas + ": the header's first cell is empty"), warning);
        assertTrue(warning.contains("first column was dropped") && warning.contains("index=False"), warning);

        // Numbered columns make the header numeric: refused, with the way out.
        Path numbered = write("numbered.csv", ",0,1\n0,5,6\n");
        String message = refusal(numbered);
        assertTrue(message.contains(": line 1, column 1: '' is not a number"), message);
        assertTrue(message.contains("index=False"), message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nan", "NaN", "NAN", "inf", "-inf", "+inf", "Inf", "Infinity", "-Infinity"})
    void nonFiniteCellsAreRefusedWithTheOneBasedLineAndColumn(String cell) throws IOException {
        Path f = write("nonfinite.csv", "1,2\n3,4\n5," + cell + "\n");
        assertEquals(f + ": line 3, column 2: '" + cell + "' is not a finite number", refusal(f));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e400", "-1e400", "2E309", "1.8e308"})
    void aValueBeyondTheRangeOfADoubleIsRefusedNotReadAsInfinity(String cell) throws IOException {
        Path f = write("overflow.csv", "1,2\n" + cell + ",4\n");
        assertEquals(f + ": line 2, column 1: '" + cell + "' is beyond the range of a double (about ±1.8e308)",
                refusal(f));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x1p3", "0x10", "1d", "2f", "2F", "1L", "1_000", "1e", "e5", ".", "+", "-", "1..2",
        "1e5.5", "5e3x", " 1 2", "--1", "½"})
    void onlyDecimalSyntaxIsAccepted(String cell) throws IOException {
        Path f = write("syntax.csv", "1,2\n" + cell + ",4\n");
        String message = refusal(f);
        assertTrue(message.startsWith(f + ": line 2"), message);
        assertTrue(message.contains("'" + cell.strip() + "' is not a number"), message);
    }

    @Test
    void everyDecimalFormIsRead() throws IOException {
        Path f = write("forms.csv", "5,-5,+5,5.\n.5,-.5,5.25e-3,5E+3\n1e-400,007,-0,1e308\n");
        assertArrayEquals(new double[] {5, -5, 5, 5, 0.5, -0.5, 5.25e-3, 5e3, 0, 7, -0.0, 1e308},
                values(MatrixFiles.read(f)));
    }

    @Test
    void quotedNumbersAreNumbersOnEveryLineAsPandasReadsThem() throws IOException {
        // Python's csv.writer(quoting=QUOTE_ALL) and many spreadsheets quote every cell; pandas reads "1" as 1.
        Path all = write("quoted.csv", "\"1\",\"2\"\n\"3\",\"4\"\n");
        Matrix m = MatrixFiles.read(all);
        assertEquals(2, m.rows(), "a first line of quoted numbers is data, not a header");
        assertArrayEquals(new double[] {1, 2, 3, 4}, values(m));
        Path mixed = write("mixed.csv", "\"1\", 2\n3 ,\"-4.5e1\"\n");
        assertArrayEquals(new double[] {1, 2, 3, -45}, values(MatrixFiles.read(mixed)));
        Path spaced = write("spaced.txt", "\"1\" \"2\"\n3\t\"4\"\n");
        assertArrayEquals(new double[] {1, 2, 3, 4}, values(MatrixFiles.read(spaced)), "whitespace-separated too");
        // A quoted header is a header; a comma inside quotes does not split the cell.
        Path header = write("header.csv", "\"x, first\",\"y \"\"second\"\"\"\n\"5\",6\n");
        assertArrayEquals(new double[] {5, 6}, values(MatrixFiles.read(header)));
        Path inside = write("inside.csv", "1,2\n\"3,5\",4\n");
        assertEquals(inside + ": line 2, column 1: '3,5' is not a number", refusal(inside));
    }

    @Test
    void aQuoteThatDoesNotCloseOrHasTextAfterItIsRefused() throws IOException {
        Path open = write("open.csv", "1,2\n3,\"4\n");
        assertEquals(open + ": line 2, column 2: the quote that opens this cell (character 3) is not closed on the "
                + "line; a cell must close its quotes on its own line", refusal(open));
        Path after = write("after.csv", "1,2\n\"3\"x,4\n");
        String message = refusal(after);
        assertTrue(message.startsWith(after + ": line 2, column 1: '\"3\"x': text follows the closing quote"),
                message);
    }

    @Test
    void aTrailingCommaIsDescribedAsAnEmptyLastCellNotAsAHeader() throws IOException {
        Path trailing = write("trailing.csv", "1,2,\n3,4,\n");
        assertEquals(trailing + ": line 1, column 3: the line ends with a comma, so its last cell is empty; every "
                + "value must be a finite number. A comma at the end of every line (a trailing delimiter) makes one "
                + "more column, which pandas reads as NaN ('Unnamed: 2'): remove the trailing commas",
                refusal(trailing));
        Path belowHeader = write("below.csv", "x,y,\n1,2,\n");
        assertTrue(refusal(belowHeader).startsWith(belowHeader + ": line 2, column 3: the line ends with a comma"),
                refusal(belowHeader));
        Path later = write("later.csv", "1,2\n3,4,\n");
        assertEquals(later + ": line 2 has 3 values but the first data row has 2 (it ends with a comma)",
                refusal(later));
        // An empty cell is not text: a first line of numbers and an empty cell is a data row with a missing value.
        Path missing = write("missing.csv", "1,,3\n4,5,6\n");
        assertEquals(missing + ": line 1, column 2: the cell is empty; every value must be a finite number",
                refusal(missing));
    }

    @Test
    void anEmptyCellIsNamedAsSuch() throws IOException {
        // pandas writes NaN as an empty cell.
        Path f = write("empty.csv", "1,2\n3,\n");
        assertEquals(f + ": line 2, column 2: the cell is empty; every value must be a finite number", refusal(f));
    }
}
