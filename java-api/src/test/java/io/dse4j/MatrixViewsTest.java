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
}
