package io.dse4j.io;

import io.dse4j.Matrix;
import io.dse4j.ReferenceData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static io.dse4j.io.NpyFiles.doubles;
import static io.dse4j.io.NpyFiles.npy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading .npy, .npz and CSV: every supported variant gives the same values, every broken file a clear error. */
class MatrixFilesTest {

    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
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

    @Test
    void readsTheReferenceFilesWithTheirShapes() throws IOException {
        Matrix x = MatrixFiles.read(ReferenceData.file("tiny_3x2.npy"));
        assertEquals(3, x.rows());
        assertEquals(2, x.cols());
        NpyArray labels = MatrixFiles.readArray(ReferenceData.file("dsmi_labels_600.npy"), null);
        assertArrayEquals(new long[] {600}, labels.shape());
        assertEquals("i8", labels.dtype());
        assertTrue(labels.isIntegral());
        assertEquals(1, labels.toMatrix().cols());
    }

    /** A .npy held in memory (a Spark binaryFile row) reads as the file does, and is checked as a file is. */
    @Test
    void aNpyInMemoryReadsAsTheFileAndIsCheckedAsAFile() throws IOException {
        Path file = ReferenceData.file("tiny_3x2.npy");
        byte[] content = Files.readAllBytes(file);
        Matrix fromBytes = MatrixFiles.readNpy(content, "tiny.npy");
        assertArrayEquals(values(MatrixFiles.read(file)), values(fromBytes));
        assertEquals(3, fromBytes.rows());
        byte[] cut = java.util.Arrays.copyOf(content, content.length - 3);
        MatrixFileException truncated = assertThrows(MatrixFileException.class, () -> MatrixFiles.readNpy(cut,
                "a.npy"));
        assertTrue(truncated.getMessage().startsWith("a.npy: the header promises") && truncated.getMessage()
                .contains("(truncated)"), truncated.getMessage());
        byte[] longer = java.util.Arrays.copyOf(content, content.length + 8);
        assertThrows(MatrixFileException.class, () -> MatrixFiles.readNpy(longer, "b.npy"));
        MatrixFileException notNpy = assertThrows(MatrixFileException.class,
                () -> MatrixFiles.readNpy("a,b\n1,2\n".getBytes(), "c.npy"));
        assertTrue(notNpy.getMessage().contains("not a .npy file"), notNpy.getMessage());
    }

    @ParameterizedTest(name = "format version {0}")
    @ValueSource(ints = {1, 2, 3})
    void everyFormatVersionReads(int major) throws IOException {
        Path f = write("v.npy", npy(major, "<f8", false, "(2, 2)", doubles(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4)));
        assertArrayEquals(new double[] {1, 2, 3, 4}, values(MatrixFiles.read(f)));
    }

    @Test
    void bigEndianAndFortranOrderGiveTheSameMatrix() throws IOException {
        // [[1, 2, 3], [4, 5, 6]] stored column by column, big-endian.
        Path f = write("f.npy", npy(1, ">f8", true, "(2, 3)", doubles(ByteOrder.BIG_ENDIAN, 1, 4, 2, 5, 3, 6)));
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, values(MatrixFiles.read(f)));
    }

    @Test
    void bigEndianRowsInCOrderAreSwappedInTheBulkCopy() throws IOException {
        // C order takes the bulk-copy path for f8 rows; a big-endian file must come out byte-swapped there too.
        Path f = write("b.npy", npy(1, ">f8", false, "(2, 3)", doubles(ByteOrder.BIG_ENDIAN, 1.5, -2, 3e300, 4, 5, 6)));
        assertArrayEquals(new double[] {1.5, -2, 3e300, 4, 5, 6}, values(MatrixFiles.read(f)));
    }

    @Test
    void fortranOrderWithThreeDimensionsIsFlattenedInCOrder() throws IOException {
        // a[i][j][k] = 100i + 10j + k with shape (2, 2, 3), stored Fortran order (i fastest).
        double[] fortran = new double[12];
        int p = 0;
        for (int k = 0; k < 3; k++) {
            for (int j = 0; j < 2; j++) {
                for (int i = 0; i < 2; i++) {
                    fortran[p++] = 100 * i + 10 * j + k;
                }
            }
        }
        Matrix m = MatrixFiles.read(write("f3.npy",
                npy(1, "<f8", true, "(2, 2, 3)", doubles(ByteOrder.LITTLE_ENDIAN, fortran))));
        assertEquals(2, m.rows());
        assertEquals(6, m.cols());
        assertArrayEquals(new double[] {0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112}, values(m));
    }

    @Test
    void everyDtypeDecodes() throws IOException {
        ByteBuffer b;
        b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f);
        assertArrayEquals(new double[] {1.5, -2}, values(MatrixFiles.read(write("f4.npy", npy(1, "<f4", false, "(2,)", b
                .array())))));
        b = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN)
                .putShort(Float.floatToFloat16(0.5f)).putShort(Float.floatToFloat16(-3f));
        assertArrayEquals(new double[] {0.5, -3}, values(MatrixFiles.read(write("f2.npy", npy(1, ">f2", false, "(2,)", b
                .array())))));
        b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-7).putLong(9);
        assertArrayEquals(new double[] {-7, 9}, values(MatrixFiles.read(write("i8.npy", npy(1, "<i8", false, "(2,)", b
                .array())))));
        b = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putInt(-70000).putInt(5);
        assertArrayEquals(new double[] {-70000, 5}, values(MatrixFiles.read(write("i4.npy", npy(1, ">i4", false, "(2,)",
                b.array())))));
        b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) -300).putShort((short) 2);
        assertArrayEquals(new double[] {-300, 2}, values(MatrixFiles.read(write("i2.npy", npy(1, "<i2", false, "(2,)", b
                .array())))));
        assertArrayEquals(new double[] {-1, 127}, values(MatrixFiles.read(write("i1.npy", npy(1, "|i1", false, "(2,)",
                new byte[] {-1, 127})))));
        assertArrayEquals(new double[] {255, 1}, values(MatrixFiles.read(write("u1.npy", npy(1, "|u1", false, "(2,)",
                new byte[] {-1, 1})))));
        b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) -1).putShort((short) 3);
        assertArrayEquals(new double[] {65535, 3}, values(MatrixFiles.read(write("u2.npy", npy(1, "<u2", false, "(2,)",
                b.array())))));
        assertArrayEquals(new double[] {1, 0, 1}, values(MatrixFiles.read(write("b1.npy", npy(1, "|b1", false, "(3,)",
                new byte[] {1, 0, 1})))));
    }

    @Test
    void unsignedSixtyFourBitIntegersRoundOnceToTheNearestDouble() throws IOException {
        // Halving first and doubling rounds twice: off by one ulp for some odd values, even below 2^63.
        long[] values = {141_192_035_007_865_865L, (1L << 62) + 1025, -1L, Long.MIN_VALUE + 1025, Long.MIN_VALUE};
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        double[] read = values(MatrixFiles.read(write("u8.npy", npy(1, "<u8", false, "(5,)", b.array()))));
        for (int i = 0; i < values.length; i++) {
            double nearest = new java.math.BigDecimal(Long.toUnsignedString(values[i])).doubleValue();
            assertEquals(nearest, read[i], Long.toUnsignedString(values[i]));
        }
    }

    @Test
    void unsupportedDtypeIsNamed() throws IOException {
        Path f = write("c.npy", npy(1, "<c16", false, "(1,)", new byte[16]));
        MatrixFileException e = assertThrows(MatrixFileException.class, () -> MatrixFiles.read(f));
        assertTrue(e.getMessage().contains("unsupported .npy dtype '<c16'"), e.getMessage());
    }

    @Test
    void headerThatLiesAboutTheSizeIsRefused() throws IOException {
        Path truncated = write("t.npy", npy(1, "<f8", false, "(3, 2)", doubles(ByteOrder.LITTLE_ENDIAN, 1, 2, 3)));
        MatrixFileException e = assertThrows(MatrixFileException.class, () -> MatrixFiles.read(truncated));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        Path extra = write("x.npy", npy(1, "<f8", false, "(1, 1)", doubles(ByteOrder.LITTLE_ENDIAN, 1, 2)));
        e = assertThrows(MatrixFileException.class, () -> MatrixFiles.read(extra));
        assertTrue(e.getMessage().contains("the header promises 1"), e.getMessage());
    }

    @Test
    void corruptFilesAreRefused() throws IOException {
        Path noMagic = write("bad.npy", "hello world".getBytes());
        assertTrue(assertThrows(MatrixFileException.class, () -> MatrixFiles.read(noMagic)).getMessage()
                .contains("not a .npy file"));
        byte[] good = npy(1, "<f8", false, "(1, 1)", doubles(ByteOrder.LITTLE_ENDIAN, 1));
        Path cut = write("cut.npy", java.util.Arrays.copyOf(good, 20));
        assertThrows(MatrixFileException.class, () -> MatrixFiles.read(cut));
        Path version = write("v9.npy", npy(1, "<f8", false, "(1, 1)", doubles(ByteOrder.LITTLE_ENDIAN, 1)));
        byte[] bytes = Files.readAllBytes(version);
        bytes[6] = 9;
        Files.write(version, bytes);
        assertTrue(assertThrows(MatrixFileException.class, () -> MatrixFiles.read(version)).getMessage()
                .contains("version 9.0 is not supported"));
    }

    @Test
    void npzPicksTheOnlyArrayOrTheOneNamed() throws IOException {
        Path single = dir.resolve("one.npz");
        zip(single, "x", npy(1, "<f8", false, "(1, 2)", doubles(ByteOrder.LITTLE_ENDIAN, 5, 6)));
        assertArrayEquals(new double[] {5, 6}, values(MatrixFiles.read(single)));

        Path two = dir.resolve("two.npz");
        zip(two, "a", npy(1, "<f8", false, "(1, 1)", doubles(ByteOrder.LITTLE_ENDIAN, 1)),
                "b", npy(1, "<f8", false, "(1, 1)", doubles(ByteOrder.LITTLE_ENDIAN, 2)));
        assertArrayEquals(new double[] {2}, values(MatrixFiles.read(two, "b")));
        MatrixFileException e = assertThrows(MatrixFileException.class, () -> MatrixFiles.read(two));
        assertTrue(e.getMessage().contains("holds 2 arrays [a, b]; choose one with --key NAME"), e.getMessage());
        e = assertThrows(MatrixFileException.class, () -> MatrixFiles.read(two, "c"));
        assertTrue(e.getMessage().contains("no array 'c'"), e.getMessage());
    }

    @Test
    void npzKeysResolveAsNumpysAndAnArrayListedTwiceIsRefusedNamingBoth() throws IOException {
        // np.load(f).files lists both members as 'x'; np.load(f)['x'] reads the member 'x', ['x.npy'] the other.
        Path twin = dir.resolve("twin.npz");
        try (OutputStream out = Files.newOutputStream(twin); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("x"));
            zip.write(npy(1, "<f8", false, "(1, 2)", doubles(ByteOrder.LITTLE_ENDIAN, 1, 2)));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("x.npy"));
            zip.write(npy(1, "<f8", false, "(1, 2)", doubles(ByteOrder.LITTLE_ENDIAN, 3, 4)));
            zip.closeEntry();
        }
        assertArrayEquals(new double[] {1, 2}, values(MatrixFiles.read(twin, "x")), "the exact name first");
        assertArrayEquals(new double[] {3, 4}, values(MatrixFiles.read(twin, "x.npy")));
        assertEquals(twin + ": the .npz archive holds both 'x' and 'x.npy', which numpy lists as two arrays named 'x'; "
                + "choose one with --key x (the member 'x', which numpy's np.load(f)['x'] reads) or --key x.npy",
                assertThrows(MatrixFileException.class, () -> MatrixFiles.read(twin)).getMessage());
        // Without a twin, --key x.npy names the member as numpy's np.load(f)['x.npy'] does.
        Path single = dir.resolve("single.npz");
        zip(single, "x", npy(1, "<f8", false, "(1, 1)", doubles(ByteOrder.LITTLE_ENDIAN, 7)));
        assertArrayEquals(new double[] {7}, values(MatrixFiles.read(single, "x.npy")));
    }

    @Test
    void anNpzMemberCompressedWithBzip2OrLzmaIsNamedWithItsMethodAndTheWayToResave() throws IOException {
        // numpy reads such archives (Python's zipfile has bzip2 and LZMA); Java's ZipFile refuses the whole archive.
        Path bzip2 = dir.resolve("bzip2.npz");
        zip(bzip2, "x", npy(1, "<f8", false, "(1, 1)", doubles(ByteOrder.LITTLE_ENDIAN, 1)));
        setMethod(bzip2, 0, 12);
        String message = assertThrows(MatrixFileException.class, () -> MatrixFiles.read(bzip2)).getMessage();
        assertEquals(bzip2 + ": the .npz archive has a member compressed with a method dse4j does not read: 'x.npy' "
                + "(bzip2); Java's zip reader takes stored and deflated members only (as np.savez and "
                + "np.savez_compressed write them). Re-save it with numpy: np.savez_compressed('out.npz', "
                + "**np.load('" + bzip2 + "'))", message);

        Path lzma = dir.resolve("lzma.npz");
        zip(lzma, "a", npy(1, "<f8", false, "(1, 1)", doubles(ByteOrder.LITTLE_ENDIAN, 1)),
                "b", npy(1, "<f8", false, "(1, 1)", doubles(ByteOrder.LITTLE_ENDIAN, 2)));
        setMethod(lzma, 1, 14);
        message = assertThrows(MatrixFileException.class, () -> MatrixFiles.read(lzma, "a")).getMessage();
        assertTrue(message.contains("has a member compressed with a method dse4j does not read: 'b.npy' (LZMA);"),
                message);
        assertFalse(message.contains("CEN"), "not Java's words for it: " + message);
    }

    /**
     * Rewrites the compression method of the {@code index}-th member (in its local header and in the central
     * directory) as another tool would have written it; the data itself stays deflated, as only the method matters.
     */
    private static void setMethod(Path file, int index, int method) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int local = 0;
        int central = 0;
        for (int i = 0; i + 4 <= bytes.length; i++) {
            int signature = b.getInt(i);
            if (signature == 0x04034b50 && local++ == index) {
                b.putShort(i + 8, (short) method);
            } else if (signature == 0x02014b50 && central++ == index) {
                b.putShort(i + 10, (short) method);
            }
        }
        Files.write(file, bytes);
    }

    private static void zip(Path file, Object... entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (int i = 0; i < entries.length; i += 2) {
                zip.putNextEntry(new ZipEntry(entries[i] + ".npy"));
                zip.write((byte[]) entries[i + 1]);
                zip.closeEntry();
            }
        }
    }

    @Test
    void csvWithHeaderCommasOrWhitespace() throws IOException {
        Path comma = write("a.csv", "x,y\n1,2\n3.5, -4\n\n".getBytes());
        assertArrayEquals(new double[] {1, 2, 3.5, -4}, values(MatrixFiles.read(comma)));
        Path spaces = write("b.txt", "# comment\n1 2\t3\n4 5 6\n".getBytes());
        Matrix m = MatrixFiles.read(spaces);
        assertEquals(2, m.rows());
        assertEquals(3, m.cols());
    }

    @Test
    void badCsvCellNamesItsLine() throws IOException {
        Path f = write("bad.csv", "1,2\n3,oops\n".getBytes());
        MatrixFileException e = assertThrows(MatrixFileException.class, () -> MatrixFiles.read(f));
        assertTrue(e.getMessage().contains("line 2, column 2: 'oops' is not a number"), e.getMessage());
        Path ragged = write("ragged.csv", "1,2\n3\n".getBytes());
        e = assertThrows(MatrixFileException.class, () -> MatrixFiles.read(ragged));
        assertTrue(e.getMessage().contains("line 2 has 1 values"), e.getMessage());
    }

    @Test
    void otherFileTypesAndMissingFilesAreRefused() throws IOException {
        Path json = write("x.json", "{}".getBytes());
        MatrixFileException e = assertThrows(MatrixFileException.class, () -> MatrixFiles.read(json));
        assertTrue(e.getMessage().contains("supported formats: .npy, .npz, .safetensors, .csv"), e.getMessage());
        e = assertThrows(MatrixFileException.class, () -> MatrixFiles.read(dir.resolve("missing.npy")));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    }
}
