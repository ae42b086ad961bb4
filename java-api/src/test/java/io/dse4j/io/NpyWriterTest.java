package io.dse4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The .npy files dse4j writes: NumPy's layout byte for byte, read back exactly, refused shapes, nothing half-written. */
class NpyWriterTest {

    @TempDir
    Path dir;

    @Test
    void doublesRoundTripWithTheirShape() throws IOException {
        Path file = dir.resolve("x.npy");
        double[] values = {1, -2.5, Double.NaN, Double.POSITIVE_INFINITY, 1e-300, 6};
        NpyWriter.writeDoubles(file, values, 2, 3);
        NpyArray array = MatrixFiles.readArray(file, null);
        assertArrayEquals(new long[] {2, 3}, array.shape());
        assertEquals("f8", array.dtype());
        assertEquals(1e-300, array.toMatrix().get(1, 1));
        assertEquals(Double.POSITIVE_INFINITY, array.toMatrix().get(1, 0));
    }

    @Test
    void longsHaveNumpysHeader() throws IOException {
        Path file = dir.resolve("labels.npy");
        NpyWriter.writeLongs(file, new long[] {3, 1, 2}, 3);
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals((byte) 0x93, b.get(0));
        assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.ISO_8859_1));
        assertEquals(1, bytes[6]);
        int headerLength = b.getShort(8);
        assertEquals(0, (10 + headerLength) % 64, "header padded to 64 bytes");
        String header = new String(bytes, 10, headerLength, StandardCharsets.ISO_8859_1);
        assertEquals("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", header.strip());
        assertEquals(10 + headerLength + 3 * 8, bytes.length);
        assertEquals(2, b.getLong(10 + headerLength + 16));
        NpyArray array = MatrixFiles.readArray(file, null);
        assertTrue(array.isIntegral());
        assertArrayEquals(new long[] {3}, array.shape());
    }

    @Test
    void shapesThatDoNotHoldTheValuesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NpyWriter.writeDoubles(dir.resolve("a.npy"), new double[] {1, 2, 3}, 2, 2));
        assertEquals("shape [2, 2] holds 4 values, got 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> NpyWriter.writeLongs(dir.resolve("b.npy"), new long[] {1, 2}, -1, -2));
        assertEquals("shape [-1, -2] has a negative dimension", e.getMessage());
        assertTrue(Files.notExists(dir.resolve("a.npy")) && Files.notExists(dir.resolve("b.npy")));
    }

    @Test
    void aFailedWriteLeavesNothing() throws IOException {
        assertThrows(IOException.class,
                () -> NpyWriter.writeDoubles(dir.resolve("missing/x.npy"), new double[] {1}, 1));
        Path file = dir.resolve("kept.npy");
        NpyWriter.writeDoubles(file, new double[] {1, 2}, 2);
        NpyWriter.writeDoubles(file, new double[] {7}, 1);
        assertEquals(7.0, MatrixFiles.readArray(file, null).toMatrix().get(0, 0));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }
}
