package io.dse4j;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Buffers and native memory as matrices, without copies: the same DSE as the same values in arrays. */
class MatrixViewsTest {

    @Test
    void buffersAndSegmentsGiveTheSameEntropyAsArrays() {
        int n = 150;
        int d = 4;
        float[] values = new float[n * d];
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        try (DiffusionSpectralEntropy dse = DiffusionSpectralEntropy.builder().backend("cpu").sigma(2).build();
             Arena arena = Arena.ofConfined()) {
            double expected = dse.compute(values, n, d).entropy();
            java.nio.FloatBuffer buffer = java.nio.FloatBuffer.allocate(values.length + 3);
            buffer.put(new float[] {9, 9, 9}).put(values).position(3);
            assertEquals(expected, dse.compute(Matrix.ofRowMajor(buffer, n, d)).entropy(), 0.0, "FloatBuffer");
            java.nio.DoubleBuffer doubles = java.nio.DoubleBuffer.allocate(values.length);
            for (float v : values) {
                doubles.put(v);
            }
            doubles.flip();
            assertEquals(expected, dse.compute(Matrix.ofRowMajor(doubles, n, d)).entropy(), 0.0, "DoubleBuffer");
            ValueLayout.OfFloat bigEndian = ValueLayout.JAVA_FLOAT.withOrder(ByteOrder.BIG_ENDIAN);
            MemorySegment segment = arena.allocate(bigEndian, values.length);
            for (int i = 0; i < values.length; i++) {
                segment.setAtIndex(bigEndian, i, values[i]);
            }
            assertEquals(expected, dse.compute(Matrix.ofRowMajor(segment, bigEndian, n, d)).entropy(), 0.0,
                    "a big-endian native segment");
            InvalidInputException small = assertThrows(InvalidInputException.class,
                    () -> Matrix.ofRowMajor(segment, bigEndian, n + 1, d));
            assertEquals(true, small.getMessage().contains("needs 2416 bytes, the segment holds 2400"),
                    small.getMessage());
            assertThrows(InvalidInputException.class, () -> Matrix.ofRowMajor(buffer, n + 1, d));
        }
    }

    /**
     * The computations read each row in one bulk copy ({@code Matrix.copyRow}, which {@link Matrix#row} uses): for
     * every kind of view — arrays of rows, row-major arrays, buffers from a position, native segments in either
     * byte order — a row copied in bulk holds exactly the values read one by one.
     */
    @Test
    void everyViewCopiesARowAsItsValuesReadOneByOne() {
        int n = 7;
        int d = 5;
        double[] values = new double[n * d];
        java.util.Random random = new java.util.Random(11);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();   // exact in float too
        }
        double[][] rowsOfDoubles = new double[n][d];
        float[][] rowsOfFloats = new float[n][d];
        float[] floats = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                rowsOfDoubles[i][j] = values[i * d + j];
                rowsOfFloats[i][j] = (float) values[i * d + j];
                floats[i * d + j] = (float) values[i * d + j];
            }
        }
        java.nio.DoubleBuffer doubles = java.nio.DoubleBuffer.allocate(values.length + 2);
        doubles.put(new double[] {-1, -2}).put(values).position(2);
        java.nio.FloatBuffer floatBuffer = java.nio.FloatBuffer.allocate(values.length + 1);
        floatBuffer.put(-1f).put(floats).position(1);
        try (Arena arena = Arena.ofConfined()) {
            ValueLayout.OfDouble bigEndian = ValueLayout.JAVA_DOUBLE.withOrder(ByteOrder.BIG_ENDIAN);
            ValueLayout.OfDouble littleEndian = ValueLayout.JAVA_DOUBLE.withOrder(ByteOrder.LITTLE_ENDIAN);
            ValueLayout.OfFloat floatLayout = ValueLayout.JAVA_FLOAT.withOrder(ByteOrder.BIG_ENDIAN);
            MemorySegment big = arena.allocate(bigEndian, values.length);
            MemorySegment little = arena.allocate(littleEndian, values.length);
            MemorySegment floatSegment = arena.allocate(floatLayout, values.length);
            for (int i = 0; i < values.length; i++) {
                big.setAtIndex(bigEndian, i, values[i]);
                little.setAtIndex(littleEndian, i, values[i]);
                floatSegment.setAtIndex(floatLayout, i, floats[i]);
            }
            java.util.Map<String, Matrix> views = new java.util.LinkedHashMap<>();
            views.put("double[][]", Matrix.of(rowsOfDoubles));
            views.put("float[][]", Matrix.of(rowsOfFloats));
            views.put("row-major double[]", Matrix.ofRowMajor(values, n, d));
            views.put("row-major float[]", Matrix.ofRowMajor(floats, n, d));
            views.put("DoubleBuffer from position 2", Matrix.ofRowMajor(doubles, n, d));
            views.put("FloatBuffer from position 1", Matrix.ofRowMajor(floatBuffer, n, d));
            views.put("big-endian double segment", Matrix.ofRowMajor(big, bigEndian, n, d));
            views.put("little-endian double segment", Matrix.ofRowMajor(little, littleEndian, n, d));
            views.put("big-endian float segment", Matrix.ofRowMajor(floatSegment, floatLayout, n, d));
            views.forEach((what, view) -> {
                for (int i = 0; i < n; i++) {
                    double[] row = view.row(i);
                    assertEquals(d, row.length, what);
                    for (int j = 0; j < d; j++) {
                        assertEquals(values[i * d + j], view.get(i, j), 0.0, what + " get(" + i + ", " + j + ")");
                        assertEquals(view.get(i, j), row[j], 0.0, what + " row(" + i + ")[" + j + "]");
                    }
                }
            });
        }
    }
}
