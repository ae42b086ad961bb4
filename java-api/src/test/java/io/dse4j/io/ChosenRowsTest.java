package io.dse4j.io;

import io.dse4j.InvalidInputException;
import io.dse4j.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static io.dse4j.io.NpyFiles.doubles;
import static io.dse4j.io.NpyFiles.npy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reading chosen rows: every layout (C and Fortran order, flattened trailing dimensions, .npz stored and deflated,
 * text) gives exactly the rows of the whole array, in the order asked, repeats included; files far larger than the
 * heap (sparse, so nothing big is written) are read through long offsets; an archive member that inflates to more
 * or less than its header declares is an error naming the file.
 */
class ChosenRowsTest {

    @TempDir
    Path dir;

    /** a[i][j] for an n×d matrix of distinct values. */
    private static double[][] matrix(int n, int d, long seed) {
        Random r = new Random(seed);
        double[][] a = new double[n][d];
        for (double[] row : a) {
            for (int j = 0; j < d; j++) {
                row[j] = Math.rint(r.nextGaussian() * 1e6) / 1e3;
            }
        }
        return a;
    }

    private static byte[] cOrder(double[][] a) {
        List<Double> v = new ArrayList<>();
        for (double[] row : a) {
            for (double x : row) {
                v.add(x);
            }
        }
        return doubles(ByteOrder.LITTLE_ENDIAN, v.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static byte[] fortranOrder(double[][] a) {
        int n = a.length;
        int d = a[0].length;
        double[] v = new double[n * d];
        for (int j = 0; j < d; j++) {
            for (int i = 0; i < n; i++) {
                v[j * n + i] = a[i][j];
            }
        }
        return doubles(ByteOrder.LITTLE_ENDIAN, v);
    }

    private Path zip(String name, int method, String member, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            ZipEntry entry = new ZipEntry(member);
            entry.setMethod(method);
            if (method == ZipEntry.STORED) {
                CRC32 crc = new CRC32();
                crc.update(content);
                entry.setSize(content.length);
                entry.setCrc(crc.getValue());
            }
            zip.putNextEntry(entry);
            zip.write(content);
            zip.closeEntry();
        }
        return file;
    }

    private static void assertRows(double[][] expected, int[] rows, Matrix m) {
        assertEquals(rows.length, m.rows());
        for (int p = 0; p < rows.length; p++) {
            assertArrayEquals(expected[rows[p]], m.row(p), "row " + rows[p] + " at position " + p);
        }
    }

    @Test
    void everyLayoutGivesTheChosenRowsInTheOrderAsked() throws IOException {
        double[][] a = matrix(37, 5, 1);
        int[] rows = {36, 0, 17, 17, 3, 35, 1, 0};
        String shape = "(37, 5)";
        List<Path> files = new ArrayList<>();
        files.add(Files.write(dir.resolve("c.npy"), npy(1, "<f8", false, shape, cOrder(a))));
        files.add(Files.write(dir.resolve("f.npy"), npy(2, "<f8", true, shape, fortranOrder(a))));
        files.add(zip("stored.npz", ZipEntry.STORED, "x.npy", npy(1, "<f8", false, shape, cOrder(a))));
        files.add(zip("deflated.npz", ZipEntry.DEFLATED, "x.npy", npy(1, "<f8", false, shape, cOrder(a))));
        files.add(zip("fortran.npz", ZipEntry.DEFLATED, "x.npy", npy(1, "<f8", true, shape, fortranOrder(a))));
        StringBuilder csv = new StringBuilder("a,b,c,d,e\n");
        for (double[] row : a) {
            csv.append(java.util.Arrays.stream(row).mapToObj(Double::toString)
                    .collect(java.util.stream.Collectors.joining(","))).append('\n');
        }
        files.add(Files.writeString(dir.resolve("t.csv"), csv));
        for (Path f : files) {
            MatrixFile file = MatrixFiles.open(f, null);
            assertEquals(37, file.rows(), f.toString());
            assertEquals(5, file.cols(), f.toString());
            assertRows(a, rows, file.readRows(rows));
            int[] all = new int[37];
            java.util.Arrays.setAll(all, i -> i);
            assertRows(a, all, file.read());
        }
    }

    @Test
    void fortranOrderWithThreeDimensionsIsFlattenedInCOrderWhenRowsAreChosen() throws IOException {
        // a[i][j][k] = 100i + 10j + k, shape (4, 2, 3), stored in Fortran order (i fastest, then j, then k).
        double[] fortran = new double[24];
        int p = 0;
        for (int k = 0; k < 3; k++) {
            for (int j = 0; j < 2; j++) {
                for (int i = 0; i < 4; i++) {
                    fortran[p++] = 100 * i + 10 * j + k;
                }
            }
        }
        byte[] bytes = npy(1, "<f8", true, "(4, 2, 3)", doubles(ByteOrder.LITTLE_ENDIAN, fortran));
        for (Path f : List.of(Files.write(dir.resolve("f3.npy"), bytes),
                zip("f3.npz", ZipEntry.DEFLATED, "x.npy", bytes))) {
            Matrix m = MatrixFiles.open(f, null).readRows(new int[] {3, 1});
            assertArrayEquals(new double[] {300, 301, 302, 310, 311, 312}, m.row(0), f.toString());
            assertArrayEquals(new double[] {100, 101, 102, 110, 111, 112}, m.row(1), f.toString());
        }
    }

    @Test
    void rowsOutsideTheFileAreRefusedByName() throws IOException {
        MatrixFile f = MatrixFiles.open(Files.write(dir.resolve("s.npy"),
                npy(1, "<f8", false, "(2, 1)", doubles(ByteOrder.LITTLE_ENDIAN, 1, 2))), null);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> f.readRows(new int[] {0, 2}));
        assertTrue(e.getMessage().contains("index 2 at position 1 is outside the file's rows [0, 2)"), e.getMessage());
    }

    /** A sparse .npy of the given shape whose listed rows hold {@code value(row, col)}; the rest reads as zeros. */
    private Path sparseNpy(String name, String descr, String shape, long rows, int cols, int[] written)
            throws IOException {
        byte[] header = npy(1, descr, false, shape, new byte[0]);
        int size = descr.charAt(2) - '0';
        Path file = dir.resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(header);
            raf.setLength(header.length + rows * cols * size);
            for (int row : written) {
                ByteBuffer b = ByteBuffer.allocate(cols * 8).order(ByteOrder.LITTLE_ENDIAN);
                for (int c = 0; c < cols; c++) {
                    b.putDouble(value(row, c));
                }
                raf.seek(header.length + (long) row * cols * size);
                raf.write(b.array());
            }
        }
        return file;
    }

    private static double value(int row, int col) {
        return row + col / 100.0;
    }

    @Test
    void aFourGibibyteSparseFileIsReadThroughLongOffsets() throws IOException {
        // 2^25 rows × 16 f8 = 4 GiB of data: the old reader cast the size to int and failed with
        // BufferUnderflowException; mapped, only the pages of the rows asked for are touched.
        long rows = 1L << 25;
        int[] written = {0, 5, 1 << 24, (int) rows - 1};
        Path f = sparseNpy("big.npy", "<f8", "(" + rows + ", 16)", rows, 16, written);
        assertEquals(4L << 30, Files.size(f) - 128);
        MatrixFile file = MatrixFiles.open(f, null);
        assertEquals(1 << 25, file.rows());
        int[] chosen = {(int) rows - 1, 7, 1 << 24, 5, 0};
        Matrix m = file.readRows(chosen);
        for (int p = 0; p < chosen.length; p++) {
            for (int c = 0; c < 16; c++) {
                double expected = chosen[p] == 7 ? 0 : value(chosen[p], c);
                assertEquals(expected, m.get(p, c), "row " + chosen[p]);
            }
        }
    }

    @Test
    void aOneDimensionalArrayPastTwoGibibytesReadsItsChosenRows() throws IOException {
        // shape (268435457,) f8: the old reader failed with NegativeArraySizeException.
        long n = 268_435_457L;
        Path f = sparseNpy("long.npy", "<f8", "(" + n + ",)", n, 1, new int[] {(int) n - 1, 3});
        MatrixFile file = MatrixFiles.open(f, null);
        assertEquals(268_435_457, file.rows());
        assertEquals(1, file.cols());
        Matrix m = file.readRows(new int[] {3, (int) n - 1, 4});
        assertArrayEquals(new double[] {3}, m.row(0));
        assertArrayEquals(new double[] {n - 1}, m.row(1));
        assertArrayEquals(new double[] {0}, m.row(2));
    }

    @Test
    void arraysBeyondOneJavaArrayAreRefusedWhenReadWholeNotWithARawException() throws IOException {
        // 2^28 + 1 rows × 8 u1 = 2^31 + 8 values: more than one double[] holds.
        long rows = (1L << 28) + 1;
        Path f = sparseNpy("huge.npy", "|u1", "(" + rows + ", 8)", rows, 8, new int[0]);
        MatrixFileException e = assertThrows(MatrixFileException.class, () -> MatrixFiles.read(f));
        assertTrue(e.getMessage().contains("more than one Java array holds"), e.getMessage());
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        // Its rows are still there to be chosen.
        assertEquals(2, MatrixFiles.open(f, null).readRows(new int[] {0, (int) rows - 1}).rows());
    }

    @Test
    void moreRowsOrColumnsThanAnIntCountsAreRefusedWhenOpened() throws IOException {
        Path f = Files.write(dir.resolve("rows.npy"), npy(1, "|u1", false, "(3000000000, 0)", new byte[0]));
        MatrixFileException e = assertThrows(MatrixFileException.class, () -> MatrixFiles.open(f, null));
        assertTrue(e.getMessage().contains("3000000000 rows; at most 2147483647"), e.getMessage());
        Path product = Files.write(dir.resolve("product.npy"),
                npy(1, "<f8", false, "(4294967296, 4294967296, 4294967296)", new byte[0]));
        e = assertThrows(MatrixFileException.class, () -> MatrixFiles.open(product, null));
        assertTrue(e.getMessage().contains("more than 2^63 elements"), e.getMessage());
        // An empty array whose other extents multiply past 2^63: refused too, not a raw ArithmeticException later.
        Path empty = Files.write(dir.resolve("empty.npy"),
                npy(1, "<f8", false, "(0, 9223372036854775807, 9223372036854775807)", new byte[0]));
        e = assertThrows(MatrixFileException.class, () -> MatrixFiles.open(empty, null));
        assertTrue(e.getMessage().contains("more than 2^63 elements"), e.getMessage());
    }

    /** Zip bytes with the member's uncompressed size in its local and central headers replaced. */
    private static byte[] withDeclaredSize(byte[] zip, long size) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 4 <= zip.length; i++) {
            int signature = b.getInt(i);
            if (signature == 0x04034b50) {
                b.putInt(i + 22, (int) size);   // local file header
            } else if (signature == 0x02014b50) {
                b.putInt(i + 24, (int) size);   // central directory header
            } else if (signature == 0x08074b50) {
                b.putInt(i + 12, (int) size);   // data descriptor
            }
        }
        return zip;
    }

    @Test
    void aMemberThatInflatesToMoreOrLessThanItsHeaderDeclaresIsAnError() throws IOException {
        byte[] longer = npy(1, "<f8", false, "(2, 2)", doubles(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4, 5));
        byte[] shorter = npy(1, "<f8", false, "(2, 2)", doubles(ByteOrder.LITTLE_ENDIAN, 1, 2, 3));
        long declared = longer.length - 8;
        // As written, the archive's directory tells the true size: refused on opening, before any data is read.
        Path honest = zip("honest.npz", ZipEntry.DEFLATED, "x.npy", longer);
        MatrixFileException e = assertThrows(MatrixFileException.class, () -> MatrixFiles.open(honest, null));
        assertTrue(e.getMessage().contains("its .npy header describes " + declared), e.getMessage());
        // With the directory lying to match the header, the inflated stream itself is counted.
        Path more = Files.write(dir.resolve("more.npz"),
                withDeclaredSize(Files.readAllBytes(zip("m.npz", ZipEntry.DEFLATED, "x.npy", longer)), declared));
        Path less = Files.write(dir.resolve("less.npz"),
                withDeclaredSize(Files.readAllBytes(zip("l.npz", ZipEntry.DEFLATED, "x.npy", shorter)), declared));
        e = assertThrows(MatrixFileException.class, () -> MatrixFiles.read(more));
        assertTrue(e.getMessage().startsWith(more + "[x]: "), e.getMessage());
        assertTrue(e.getMessage().contains("more data than its header declares"), e.getMessage());
        e = assertThrows(MatrixFileException.class, () -> MatrixFiles.read(less));
        assertTrue(e.getMessage().startsWith(less + "[x]: "), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void aMemberThatInflatesToAGibibyteGivesItsChosenRowsWithoutHoldingIt() throws IOException {
        // 2^23 rows × 16 f8 = 1 GiB inflated, about 1 MB deflated: zeros except the rows written.
        int rows = 1 << 23;
        int[] written = {2, rows / 2, rows - 1};
        Path f = dir.resolve("bomb.npz");
        try (OutputStream out = Files.newOutputStream(f); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.setLevel(1);   // zeros deflate as well at the fastest level, and the test stays quick
            zip.putNextEntry(new ZipEntry("x.npy"));
            zip.write(npy(1, "<f8", false, "(" + rows + ", 16)", new byte[0]));
            byte[] zeros = new byte[16 * 8 * 4096];
            int row = 0;
            while (row < rows) {
                int current = row;
                if (java.util.Arrays.stream(written).anyMatch(w -> w == current)) {
                    ByteBuffer b = ByteBuffer.allocate(16 * 8).order(ByteOrder.LITTLE_ENDIAN);
                    for (int c = 0; c < 16; c++) {
                        b.putDouble(value(row, c));
                    }
                    zip.write(b.array());
                    row++;
                    continue;
                }
                int end = Math.min(rows, row + 4096);
                for (int w : written) {
                    if (w > row && w < end) {
                        end = w;
                    }
                }
                zip.write(zeros, 0, (end - row) * 16 * 8);
                row = end;
            }
            zip.closeEntry();
        }
        assertTrue(Files.size(f) < 8 << 20, "the archive should be small: " + Files.size(f));
        MatrixFile file = MatrixFiles.open(f, null);
        assertEquals(rows, file.rows());
        Matrix m = file.readRows(new int[] {rows - 1, 3, 2, rows / 2});
        assertEquals(value(rows - 1, 15), m.get(0, 15));
        assertEquals(0.0, m.get(1, 0));
        assertEquals(value(2, 7), m.get(2, 7));
        assertEquals(value(rows / 2, 0), m.get(3, 0));
    }

    @Test
    void aFlippedByteInAnNpzMemberIsCaughtByItsCrc() throws IOException {
        byte[] content = npy(1, "<f8", false, "(3, 2)", doubles(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4, 5, 6));
        byte[] zip = Files.readAllBytes(zip("ok.npz", ZipEntry.STORED, "x.npy", content));
        // The stored member's data follows its local header; flip a byte of the value 4.0 (Java's ZipFile reads it
        // without checking the CRC, so this was a wrong number, exit 0).
        int at = indexOf(zip, doubles(ByteOrder.LITTLE_ENDIAN, 4));
        zip[at + 7] ^= 0x7f;
        Path flipped = Files.write(dir.resolve("flipped.npz"), zip);
        MatrixFileException e = assertThrows(MatrixFileException.class, () -> MatrixFiles.read(flipped));
        assertTrue(e.getMessage().startsWith(flipped + "[x]: corrupt .npz member: its data has CRC-32"),
                e.getMessage());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer : for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void aFileChangedBetweenOpeningAndReadingIsRefusedNotDecodedWithTheOldHeader() throws IOException {
        byte[] doubles = npy(1, "<f8", false, "(4, 2)", doubles(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4, 5, 6, 7, 8));
        byte[] longs = npy(1, "<i8", false, "(4, 2)", new byte[64]);   // the same length, another dtype
        byte[] fortran = npy(1, "<f8", true, "(4, 2)", doubles(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4, 5, 6, 7, 8));
        Path npyFile = Files.write(dir.resolve("changing.npy"), doubles);
        MatrixFile opened = MatrixFiles.open(npyFile, null);
        Files.write(npyFile, longs);
        assertTrue(assertThrows(MatrixFileException.class, opened::read).getMessage()
                .contains("the file changed since it was opened"));
        Files.write(npyFile, fortran);
        assertTrue(assertThrows(MatrixFileException.class, opened::read).getMessage()
                .contains("the file changed since it was opened"));
        Path npzFile = zip("changing.npz", ZipEntry.DEFLATED, "x.npy", doubles);
        MatrixFile member = MatrixFiles.open(npzFile, null);
        zip("changing.npz", ZipEntry.DEFLATED, "x.npy", longs);
        assertTrue(assertThrows(MatrixFileException.class, member::read).getMessage()
                .contains("the file changed since it was opened"));
        Files.delete(npzFile);
        assertTrue(assertThrows(MatrixFileException.class, member::read).getMessage()
                .contains("it was removed after it was opened"));
        Files.delete(npyFile);
        assertTrue(assertThrows(MatrixFileException.class, opened::read).getMessage()
                .contains("it was removed after it was opened"));
    }

    @Test
    void aMemberWhoseCompressedDataEndsInsideItsHeaderNamesTheFile() throws IOException {
        byte[] zip = Files.readAllBytes(zip("cut.npz", ZipEntry.DEFLATED, "x.npy",
                npy(1, "<f8", false, "(1, 1)", doubles(ByteOrder.LITTLE_ENDIAN, 1))));
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 4 <= zip.length; i++) {
            if (b.getInt(i) == 0x02014b50) {
                b.putInt(i + 20, 5);   // the central directory's compressed size: 5 bytes of deflate data
            }
        }
        Path cut = Files.write(dir.resolve("cut5.npz"), zip);
        MatrixFileException e = assertThrows(MatrixFileException.class, () -> MatrixFiles.read(cut));
        assertTrue(e.getMessage().startsWith(cut + "[x]: "), e.getMessage());
    }

    @Test
    void twoMembersOfOneNameAreRefusedAndLongKeyListsAreShortened() throws IOException {
        Path twice = dir.resolve("twice.npz");
        byte[] one = npy(1, "<f8", false, "(1, 1)", doubles(ByteOrder.LITTLE_ENDIAN, 1));
        // An archive of members a.npy and b.npy with the second renamed in place: two members named a.npy.
        Path two = dir.resolve("two.npz");
        try (OutputStream out = Files.newOutputStream(two); ZipOutputStream z = new ZipOutputStream(out)) {
            for (String name : List.of("a.npy", "b.npy")) {
                z.putNextEntry(new ZipEntry(name));
                z.write(one);
                z.closeEntry();
            }
        }
        byte[] bytes = Files.readAllBytes(two);
        for (int i = 0; i + 5 <= bytes.length; i++) {
            if (bytes[i] == 'b' && bytes[i + 1] == '.' && bytes[i + 2] == 'n' && bytes[i + 3] == 'p'
                    && bytes[i + 4] == 'y') {
                bytes[i] = 'a';
            }
        }
        Files.write(twice, bytes);
        MatrixFileException e = assertThrows(MatrixFileException.class, () -> MatrixFiles.read(twice, "a"));
        assertTrue(e.getMessage().contains("holds two members named 'a.npy'"), e.getMessage());

        Path many = dir.resolve("many.npz");
        try (OutputStream out = Files.newOutputStream(many); ZipOutputStream z = new ZipOutputStream(out)) {
            for (int i = 0; i < 500; i++) {
                z.putNextEntry(new ZipEntry("k" + i + ".npy"));
                z.write(one);
                z.closeEntry();
            }
        }
        e = assertThrows(MatrixFileException.class, () -> MatrixFiles.read(many));
        assertTrue(e.getMessage().contains("holds 500 arrays [k0, k1"), e.getMessage());
        assertTrue(e.getMessage().contains("… and 480 more]"), e.getMessage());
        assertTrue(e.getMessage().length() < 400, e.getMessage());
    }

    @Test
    void fortranColumnsStepThroughTheCOrderColumnsOfAnyShape() {
        Random r = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            long[] trailing = new long[1 + r.nextInt(5)];
            for (int j = 0; j < trailing.length; j++) {
                trailing[j] = 1 + r.nextInt(4);
            }
            long cols = java.util.Arrays.stream(trailing).reduce(1, (a, b) -> a * b);
            NpyReader.FortranColumns columns = new NpyReader.FortranColumns(trailing);
            for (long m = 0; m < cols; m++, columns.next()) {
                // Brute force: the Fortran digits of m (first fastest), then the C index (last fastest).
                long rest = m;
                long[] digit = new long[trailing.length];
                for (int j = 0; j < trailing.length; j++) {
                    digit[j] = rest % trailing[j];
                    rest /= trailing[j];
                }
                long c = 0;
                for (int j = 0; j < trailing.length; j++) {
                    c = c * trailing[j] + digit[j];
                }
                assertEquals(c, columns.current(), java.util.Arrays.toString(trailing) + " column " + m);
            }
        }
    }

    @Test
    void manyUnitDimensionsInFortranOrderReadInLinearTime() throws IOException {
        // 60 dimensions of extent 1 around the real ones: a per-column conversion cost O(dimensions) per column.
        String shape = "(3, " + "1, ".repeat(60) + "20000)";
        double[] v = new double[60000];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;   // Fortran order: element (row i, column c) at i + 3c
        }
        Path f = Files.write(dir.resolve("units.npy"), npy(2, "<f8", true, shape, doubles(ByteOrder.LITTLE_ENDIAN, v)));
        Matrix m = MatrixFiles.open(f, null).readRows(new int[] {2});
        assertEquals(2 + 3 * 19999, m.get(0, 19999));
        Path tooMany = Files.write(dir.resolve("dims.npy"),
                npy(1, "<f8", false, "(" + "1, ".repeat(65) + ")", doubles(ByteOrder.LITTLE_ENDIAN, 1)));
        assertTrue(assertThrows(MatrixFileException.class, () -> MatrixFiles.open(tooMany, null)).getMessage()
                .contains("numpy allows at most 64"));
    }
}
