package io.dse4j.io;

import io.dse4j.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.dse4j.io.NpyFiles.doubles;
import static io.dse4j.io.NpyFiles.npy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The .npy header is read as the Python literal it is: a dict of exactly 'descr', 'fortran_order' and 'shape', in any
 * order and either quote style, and nothing else — a key given twice, an unknown key, a key-like text inside a string
 * value, trailing text or a header that is not valid UTF-8 in format 3.0 are refused with the file named.
 */
class NpyHeaderTest {

    private static final byte[] FOUR = doubles(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4);

    @TempDir
    Path dir;

    private Path file(int major, String dict, byte[] data) throws IOException {
        Path f = dir.resolve("h.npy");
        Files.write(f, npy(major, dict, data));
        return f;
    }

    private MatrixFileException refused(String dict) throws IOException {
        Path f = file(1, dict, FOUR);
        MatrixFileException e = assertThrows(MatrixFileException.class, () -> MatrixFiles.read(f));
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
        return e;
    }

    @Test
    void keysInAnyOrderAndEitherQuoteStyleRead() throws IOException {
        Matrix m = MatrixFiles.read(file(1, "{\"shape\": (2, 2), 'fortran_order': False, \"descr\": '<f8'}", FOUR));
        assertEquals(2, m.rows());
        assertEquals(4.0, m.get(1, 1));
        // Python 2 numpy wrote longs with an L suffix, and spacing varies.
        m = MatrixFiles.read(file(1, "{'descr':'<f8','fortran_order':False,'shape':(4L,)}", FOUR));
        assertEquals(4, m.rows());
        assertEquals(1, m.cols());
    }

    @Test
    void aKeyGivenTwiceIsRefusedWhereNumpyWouldKeepTheLast() throws IOException {
        // Today's pattern matching took the first 'shape' (2, 2); Python's literal_eval keeps the last, (4,).
        MatrixFileException e = refused("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), 'shape': (4,)}");
        assertTrue(e.getMessage().contains("the key 'shape' is given twice"), e.getMessage());
        e = refused("{'descr': '<f8', 'descr': '<f4', 'fortran_order': False, 'shape': (4,)}");
        assertTrue(e.getMessage().contains("the key 'descr' is given twice"), e.getMessage());
    }

    @Test
    void keyLikeTextInsideAStringIsNotAKey() throws IOException {
        // A pattern finds "'shape': (1, 4)" inside the value of another key; the grammar sees an unknown key.
        MatrixFileException e = refused("{'descr': '<f8', 'note': \"'shape': (1, 4)\", 'fortran_order': False,"
                + " 'shape': (2, 2)}");
        assertTrue(e.getMessage().contains("unknown key 'note'"), e.getMessage());
        // And inside the descr value itself: it is a string that is not a dtype.
        e = refused("{'descr': \"<f8', 'shape': (4,)\", 'fortran_order': False, 'shape': (2, 2)}");
        assertTrue(e.getMessage().contains("unsupported .npy dtype"), e.getMessage());
    }

    @Test
    void missingKeysWrongValueTypesAndTrailingTextAreRefused() throws IOException {
        assertTrue(refused("{'descr': '<f8', 'fortran_order': False}").getMessage()
                .contains("the key 'shape' is missing"));
        assertTrue(refused("{'descr': '<f8', 'fortran_order': 0, 'shape': (4,)}").getMessage()
                .contains("expected a string, True, False or a tuple"));
        assertTrue(refused("{'descr': '<f8', 'fortran_order': False, 'shape': 'big'}").getMessage()
                .contains("'shape' must be a tuple of integers"));
        assertTrue(refused("{'descr': '<f8', 'fortran_order': False, 'shape': (4)}").getMessage()
                .contains("a one-element shape is written (5,)"));
        assertTrue(refused("{'descr': '<f8', 'fortran_order': False, 'shape': (-4,)}").getMessage()
                .contains("expected a non-negative integer"));
        assertTrue(refused("{'descr': '<f8', 'fortran_order': False, 'shape': (4,)} junk").getMessage()
                .contains("unexpected text after the header's dict"));
        assertTrue(refused("{'descr': '<f8', 'fortran_order': False, 'shape': (4,)").getMessage()
                .contains("the header ends early"));
        assertTrue(refused("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (4,)}").getMessage()
                .contains("structured .npy dtypes"));
        assertTrue(refused("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}")
                .getMessage().contains("too large"));
        // 04 is a syntax error in Python 3, not the integer 4.
        assertTrue(refused("{'descr': '<f8', 'fortran_order': False, 'shape': (04,)}").getMessage()
                .contains("leading zero"));
    }

    @Test
    void aFormat3HeaderMustBeValidUtf8() throws IOException {
        byte[] dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }".getBytes(StandardCharsets.UTF_8);
        dict[dict.length - 2] = (byte) 0xC3;   // a lone lead byte where a space was
        Path f = dir.resolve("bad3.npy");
        Files.write(f, npy(3, dict, FOUR));
        MatrixFileException e = assertThrows(MatrixFileException.class, () -> MatrixFiles.read(f));
        assertTrue(e.getMessage().contains("must be UTF-8"), e.getMessage());
        // The same bytes in a 1.0 header are Latin-1 text: a character that is just not whitespace.
        Path latin = dir.resolve("latin1.npy");
        Files.write(latin, npy(1, dict, FOUR));
        assertTrue(assertThrows(MatrixFileException.class, () -> MatrixFiles.read(latin)).getMessage()
                .contains("corrupt .npy header"));
    }

    @ParameterizedTest(name = "format version {0}")
    @ValueSource(ints = {1, 2, 3})
    void theDataStartsWhereTheHeaderSays(int major) throws IOException {
        MatrixFile f = MatrixFiles.open(file(major, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }",
                FOUR), null);
        assertArrayEquals(new long[] {2, 2}, f.shape());
        assertEquals("f8", f.dtype());
        assertEquals(3.0, f.read().get(1, 0));
    }
}
